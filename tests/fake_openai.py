"""A tiny OpenAI-compatible chat-completions server that replays scripted replies, for offline tests.

Why a real HTTP server rather than a mocked client: it exercises the same path as DeepSeek, Qwen, vLLM
or Ollama — ChatOpenAI's request payload, the ``openai`` SDK's HTTP client and response parsing — so a
test fails if any layer drifts. It binds 127.0.0.1 on a free port and runs in a daemon thread.

Usage::

    with FakeOpenAI([{"tool_calls": [{"name": "add", "args": {"a": "1", "b": "2"}}]},
                     {"content": "3 万元"}]) as fake:
        model = ChatOpenAI(model="fake", base_url=fake.base_url, api_key="x")
        ...
        assert fake.requests[1]["messages"][-1]["role"] == "tool"

A script entry is one assistant reply, ``{"content": ...}`` and/or ``{"tool_calls": [{"name": ...,
"args": {...}}]}`` (``args`` may also be a raw JSON string, e.g. to test malformed arguments; an optional
``id`` overrides the generated ``call_N``), or a callable taking the request body and returning such a
dict. Replies are used in order; the last one repeats when the script runs out. ``"stream": true``
requests get proper server-sent-event chunks.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = dict[str, Any]
ScriptEntry = Reply | Callable[[dict[str, Any]], Reply]


class FakeOpenAI:
    """Serve ``POST /v1/chat/completions`` and ``GET /v1/models`` from a script of replies."""

    def __init__(self, script: Sequence[ScriptEntry], *, model: str = "fake-model") -> None:
        if not script:
            raise ValueError("script needs at least one reply")
        self.script: list[ScriptEntry] = list(script)
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.base_url = ""
        self._lock = threading.Lock()
        self._calls = 0  # tool-call ids, unique across the server's lifetime
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------------

    def __enter__(self) -> FakeOpenAI:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            return
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- replies -------------------------------------------------------------------------------------

    def _next_reply(self, body: dict[str, Any]) -> tuple[Reply, list[dict[str, Any]]]:
        """Record the request, pick the scripted reply and give its tool calls their ids."""
        with self._lock:
            self.requests.append(body)
            entry = self.script[min(len(self.requests), len(self.script)) - 1]
        reply = entry(body) if callable(entry) else entry
        if not isinstance(reply, dict) or not ({"content", "tool_calls"} & reply.keys()):
            raise ValueError(f"a reply must be a dict with 'content' and/or 'tool_calls', got {reply!r}")
        tool_calls = []
        for call in reply.get("tool_calls") or []:
            with self._lock:
                self._calls += 1
                number = self._calls
            args = call.get("args", {})
            tool_calls.append(
                {
                    "id": call.get("id") or f"call_{number}",
                    "type": "function",
                    "function": {
                        "name": call["name"],
                        "arguments": args if isinstance(args, str) else json.dumps(args, ensure_ascii=False),
                    },
                }
            )
        return reply, tool_calls

    def _completion(self, body: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Return the non-streamed ``chat.completion`` object and its tool calls."""
        reply, tool_calls = self._next_reply(body)
        content = reply.get("content")
        if not content:  # like OpenAI: null beside tool calls, "" for an empty text reply
            content = None if tool_calls else ""
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if tool_calls:
            message["tool_calls"] = tool_calls
        completion = {
            "id": f"chatcmpl-fake{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": "tool_calls" if tool_calls else "stop",
                }
            ],
            "usage": _usage(body, message),
        }
        return completion, tool_calls

    def _chunks(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The same reply as ``chat.completion.chunk`` events, split the way real servers split them."""
        completion, tool_calls = self._completion(body)
        choice = completion["choices"][0]
        content = choice["message"]["content"]
        base = {k: completion[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            return base | {
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
            }

        chunks = [chunk({"role": "assistant", "content": None if content is None else ""})]
        if content:
            step = max(1, len(content) // 3)
            chunks += [chunk({"content": content[i : i + step]}) for i in range(0, len(content), step)]
        for index, call in enumerate(tool_calls):
            arguments = call["function"]["arguments"]
            middle = len(arguments) // 2
            chunks.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": index,
                                "id": call["id"],
                                "type": "function",
                                "function": {
                                    "name": call["function"]["name"],
                                    "arguments": arguments[:middle],
                                },
                            }
                        ]
                    }
                )
            )
            chunks.append(
                chunk({"tool_calls": [{"index": index, "function": {"arguments": arguments[middle:]}}]})
            )
        chunks.append(chunk({}, choice["finish_reason"]))
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append(base | {"choices": [], "usage": completion["usage"]})
        return chunks

    def _models(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "fake-openai"}],
        }


def _usage(body: dict[str, Any], message: dict[str, Any]) -> dict[str, int]:
    """Rough token counts (4 characters a token): enough for code that reads ``usage``."""
    prompt = max(1, len(json.dumps(body.get("messages", []), ensure_ascii=False)) // 4)
    completion = max(1, len(json.dumps(message, ensure_ascii=False)) // 4)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _error(message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def _make_handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so stop() never waits on an idle keep-alive socket.
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base-class signature
            pass

        def _path(self) -> str:
            return self.path.split("?", 1)[0].rstrip("/")

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            if self._path() == "/v1/models":
                self._send_json(200, fake._models())
            else:
                self._send_json(404, _error(f"no route GET {self.path}", "not_found_error"))

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self._path() != "/v1/chat/completions":
                self._send_json(404, _error(f"no route POST {self.path}", "not_found_error"))
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError as exc:
                self._send_json(400, _error(f"request body is not JSON: {exc}"))
                return
            try:
                if body.get("stream"):
                    chunks = fake._chunks(body)
                else:
                    completion, _ = fake._completion(body)
            except Exception as exc:  # a broken script must show up in the test, not hang it
                self._send_json(500, _error(f"fake script failed: {exc!r}", "server_error"))
                return
            if not body.get("stream"):
                self._send_json(200, completion)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            for event in chunks:
                self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler
