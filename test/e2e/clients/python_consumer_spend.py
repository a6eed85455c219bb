"""One chat completion and one Responses call through the stock openai Python client, against the sidecar at argv[1]
(its /v1 base URL), naming the consumer the way Kong does after its auth plugins (default_headers). Prints one JSON line
with the usage each call got back.
"""

import json
import sys

from openai import OpenAI

client = OpenAI(
    api_key="py-key",
    base_url=sys.argv[1],
    max_retries=0,
    default_headers={"X-Consumer-Username": "team-python", "X-Consumer-ID": "python-consumer-id"},
)
chat = client.chat.completions.create(model="gemini-2.5-flash", messages=[{"role": "user", "content": "python spend: hello"}])
answer = client.responses.create(model="gemini-2.5-flash", input="python spend: again")
print(json.dumps({"chat": chat.usage.model_dump(), "responses": answer.usage.model_dump()}))
