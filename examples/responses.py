"""The Responses API on DeepSeek: stateless, so each turn resends the whole input.

to_input_items() turns a response into the next turn's input items, keeping the reasoning items
and function calls and appending your tool outputs; responses.parse() gives schema-checked output
while the model thinks (Chat Completions has no json_schema on DeepSeek).
"""

import json

from openai.types.responses import FunctionToolParam, ResponseInputItemParam
from pydantic import BaseModel

from deepseek_openai import function_calls, get_client, get_reasoning, iter_events, to_input_items

client = get_client()
tools: list[FunctionToolParam] = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "strict": None,
    }
]

items: list[ResponseInputItemParam] = [{"role": "user", "content": "What's the weather in Hangzhou?"}]
response = client.responses.create(model="deepseek-flash", input=items, tools=tools)
while calls := function_calls(response):
    for call in calls:
        print(f"tool call: {call.function.name}({call.function.arguments})")
    items += to_input_items(response, {c.id: json.dumps({"celsius": 24, "sky": "clear"}) for c in calls})
    response = client.responses.create(model="deepseek-flash", input=items, tools=tools)
print("reasoning:", get_reasoning(response))
print("answer:", response.output_text)


class City(BaseModel):
    name: str
    country: str


parsed = client.responses.parse(model="deepseek-flash", input="The capital of Italy?", text_format=City)
print("parsed:", parsed.output_parsed)

with iter_events(client.responses.create(model="deepseek-flash", input="Say hi.", stream=True)) as events:
    for _ in events:
        pass
print("streamed:", events.final.content, "| finish:", events.final.finish_reason)
