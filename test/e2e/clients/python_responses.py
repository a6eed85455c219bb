"""The Responses API through the Python clients users run, against a sidecar at argv[1] (its /v1 base URL).

Each call prints one JSON line: {"client": ..., ...what it got}. A client that fails prints {"client": ..., "error": ...}
and the script exits 1 at the end, so the test names every failing client. argv[2:], when given, picks the calls.
"""

import asyncio
import json
import sys

from agents import Agent, ModelSettings, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled
from agents.model_settings import Reasoning
from openai import AsyncOpenAI, OpenAI
from pydantic import BaseModel

BASE_URL = sys.argv[1]
TEXT_MODEL = "gemini-2.5-flash"
# Gemini 3 signs its function calls: a second turn works only if the signatures come back on the same parts.
AGENT_MODEL = "gemini-3-flash-preview"


class City(BaseModel):
    name: str
    population: int


def client():
    return OpenAI(api_key="py-key", base_url=BASE_URL, max_retries=0)


def create():
    response = client().responses.create(model=TEXT_MODEL, instructions="Be brief.", input="python create: hello")
    return {
        "id": response.id,
        "status": response.status,
        "output_text": response.output_text,
        "output_types": [item.type for item in response.output],
        "usage": response.usage.model_dump() if response.usage else None,
    }


def parse():
    response = client().responses.parse(model=TEXT_MODEL, input="python parse: a big city", text_format=City)
    parsed = response.output_parsed
    return {"type": type(parsed).__name__, "parsed": parsed.model_dump() if parsed else None}


def stream():
    types = []
    text = ""
    with client().responses.stream(model=TEXT_MODEL, input="python stream: a short story") as events:
        for event in events:
            types.append(event.type)
            if event.type == "response.output_text.delta":
                text += event.delta
        final = events.get_final_response()
    return {"types": types, "delta_text": text, "final_status": final.status, "final_text": final.output_text}


def create_stream():
    types = []
    completed = None
    for event in client().responses.create(model=TEXT_MODEL, input="python create stream: count to three", stream=True):
        types.append(event.type)
        if event.type == "response.completed":
            completed = event.response
    return {"types": types, "final_text": completed.output_text if completed else None}


async def agent_two_turns(streamed):
    """Two turns of an agent with a function tool; `streamed` runs them with Runner.run_streamed and thought summaries."""
    tool_calls = []
    marker = "agents streamed" if streamed else "agents turn"

    @function_tool
    def get_weather(city: str) -> str:
        """The weather in a city."""
        tool_calls.append(city)
        return f"sunny in {city}"

    model = OpenAIResponsesModel(model=AGENT_MODEL, openai_client=AsyncOpenAI(api_key="py-key", base_url=BASE_URL, max_retries=0))
    settings = ModelSettings(reasoning=Reasoning(effort="low", summary="auto")) if streamed else ModelSettings()
    agent = Agent(name="weather", instructions="Answer with the weather tool.", tools=[get_weather], model=model, model_settings=settings)

    async def run(agent_input):
        if not streamed:
            return await Runner.run(agent, agent_input)
        result = Runner.run_streamed(agent, agent_input)
        async for _ in result.stream_events():
            pass
        return result

    first = await run(f"{marker} one: Paris")
    history = first.to_input_list() + [{"role": "user", "content": f"{marker} two: Rome"}]
    second = await run(history)
    return {
        "tool_calls": tool_calls,
        "final_outputs": [first.final_output, second.final_output],
        "first_items": [item.type for item in first.new_items],
        "second_items": [item.type for item in second.new_items],
        "replayed_types": [item.get("type", "message") for item in history],
    }


def agent(streamed):
    def call():
        set_tracing_disabled(True)
        return asyncio.run(agent_two_turns(streamed))

    return call


CALLS = {
    "openai.responses.create": create,
    "openai.responses.parse": parse,
    "openai.responses.stream": stream,
    "openai.responses.create(stream=True)": create_stream,
    "agents.Runner.run": agent(False),
    "agents.Runner.run_streamed": agent(True),
}

failed = False
for name, call in CALLS.items():
    if len(sys.argv) > 2 and name not in sys.argv[2:]:
        continue
    try:
        print(json.dumps({"client": name, **call()}), flush=True)
    except Exception as error:  # report every client, then fail
        failed = True
        print(json.dumps({"client": name, "error": f"{type(error).__name__}: {error}"[:2000]}), flush=True)
sys.exit(1 if failed else 0)
