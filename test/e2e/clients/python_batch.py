"""Drives the OpenAI Batch and Files APIs with the stock openai Python SDK against the sidecar.

Usage: python_batch.py <base_url>. Prints one JSON object per scenario on stdout; the Jest test asserts them.
"""
import io
import json
import sys

from openai import OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="py-key", max_retries=0)


def jsonl(lines):
    return io.BytesIO(("\n".join(json.dumps(line) for line in lines) + "\n").encode())


def finish(batch_id):
    for _ in range(10):
        batch = client.batches.retrieve(batch_id)
        if batch.status in ("completed", "failed", "cancelled", "expired"):
            return batch
    raise RuntimeError(f"batch {batch_id} did not finish")


def run(name, lines, endpoint):
    uploaded = client.files.create(file=("input.jsonl", jsonl(lines)), purpose="batch")
    batch = client.batches.create(input_file_id=uploaded.id, endpoint=endpoint, completion_window="24h")
    done = finish(batch.id)
    output = client.files.content(done.output_file_id).text if done.output_file_id else ""
    errors = client.files.content(done.error_file_id).text if done.error_file_id else ""
    print(json.dumps({
        "client": name,
        "file": uploaded.model_dump(),
        "created_status": batch.status,
        "batch": done.model_dump(),
        "output": [json.loads(line) for line in output.splitlines() if line.strip()],
        "errors": [json.loads(line) for line in errors.splitlines() if line.strip()],
    }), flush=True)


def report(name, action):
    try:
        print(json.dumps({"client": name, **action()}), flush=True)
    except Exception as error:  # noqa: BLE001 - the test reads the failure
        print(json.dumps({"client": name, "error": repr(error)}), flush=True)


report("chat", lambda: run("chat", [
    {"custom_id": "p1", "method": "POST", "url": "/v1/chat/completions",
     "body": {"model": "gemini-2.5-flash", "messages": [{"role": "system", "content": "Be short"}, {"role": "user", "content": "Hello"}]}},
    {"custom_id": "p2", "method": "POST", "url": "/v1/chat/completions",
     "body": {"model": "gemini-2.5-flash", "messages": [{"role": "user", "content": "Bye"}], "n": 0}},
], "/v1/chat/completions") or {"done": True})

report("embeddings", lambda: run("embeddings", [
    {"custom_id": "q1", "method": "POST", "url": "/v1/embeddings",
     "body": {"model": "gemini-embedding-001", "input": ["one", "two", "three"], "dimensions": 8, "encoding_format": "float"}},
], "/v1/embeddings") or {"done": True})


def cancel_and_list():
    uploaded = client.files.create(file=("c.jsonl", jsonl([
        {"custom_id": "c", "method": "POST", "url": "/v1/chat/completions",
         "body": {"model": "gemini-2.5-flash", "messages": [{"role": "user", "content": "x"}]}}])), purpose="batch")
    batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h")
    cancelled = client.batches.cancel(batch.id)
    listed = [entry.id for entry in client.batches.list(limit=100)]
    files = [entry.id for entry in client.files.list()]
    return {"batch_id": batch.id, "cancel_status": cancelled.status, "final_status": finish(batch.id).status,
            "listed": listed, "file_id": uploaded.id, "files": files}


report("cancel_list", cancel_and_list)
