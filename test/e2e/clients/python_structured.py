"""Structured output through the Python clients users run, against a sidecar at argv[1] (its /v1 base URL).

Each call prints one JSON line: {"client": ..., "object": <the parsed pydantic model as JSON>}. A client that fails
prints {"client": ..., "error": ...} and the script exits 1 at the end, so the test names every failing client.
"""

import json
import sys
from enum import Enum
from typing import List, Optional

import instructor
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI
from openai import OpenAI
from pydantic import BaseModel, Field

BASE_URL, MODEL = sys.argv[1], sys.argv[2]


class Course(str, Enum):
    STARTER = "starter"
    MAIN = "main"
    DESSERT = "dessert"


class Ingredient(BaseModel):
    item: str
    grams: float


class Recipe(BaseModel):
    name: str = Field(max_length=40)
    servings: int = Field(ge=1, le=12)
    vegetarian: bool
    course: Course
    ingredients: List[Ingredient]
    note: Optional[str]


def openai_parse():
    client = OpenAI(api_key="py-key", base_url=BASE_URL, max_retries=0)
    completion = client.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": "openai parse: a lasagna"}], response_format=Recipe
    )
    return completion.choices[0].message.parsed


def chat_model():
    return ChatOpenAI(model=MODEL, api_key="py-key", base_url=BASE_URL, max_retries=0)


def langchain(method):
    def run():
        return chat_model().with_structured_output(Recipe, method=method).invoke(f"langchain {method}: a soup")

    return run


def langchain_json_mode():
    # json_mode sends response_format json_object only: the shape must be in the prompt, as LangChain's docs show.
    parser = PydanticOutputParser(pydantic_object=Recipe)
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Answer in JSON.\n{format_instructions}"), ("user", "langchain json_mode: a salad")]
    ).partial(format_instructions=parser.get_format_instructions())
    structured = chat_model().with_structured_output(Recipe, method="json_mode")
    return (prompt | structured).invoke({})


def instructor_mode(mode):
    def run():
        client = instructor.from_openai(OpenAI(api_key="py-key", base_url=BASE_URL, max_retries=0), mode=mode)
        return client.chat.completions.create(
            model=MODEL,
            response_model=Recipe,
            max_retries=0,
            messages=[{"role": "user", "content": f"instructor {mode.value}: a cake"}],
        )

    return run


CALLS = {
    "openai.parse": openai_parse,
    "langchain.json_schema": langchain("json_schema"),
    "langchain.function_calling": langchain("function_calling"),
    "langchain.json_mode": langchain_json_mode,
    "instructor.TOOLS": instructor_mode(instructor.Mode.TOOLS),
    "instructor.JSON": instructor_mode(instructor.Mode.JSON),
    "instructor.JSON_SCHEMA": instructor_mode(instructor.Mode.JSON_SCHEMA),
    "instructor.MD_JSON": instructor_mode(instructor.Mode.MD_JSON),
}

failed = False
for name, call in CALLS.items():
    if len(sys.argv) > 3 and name not in sys.argv[3:]:
        continue
    try:
        result = call()
        print(json.dumps({"client": name, "type": type(result).__name__, "object": result.model_dump(mode="json")}), flush=True)
    except Exception as error:  # report every client, then fail
        failed = True
        print(json.dumps({"client": name, "error": f"{type(error).__name__}: {error}"[:2000]}), flush=True)
sys.exit(1 if failed else 0)
