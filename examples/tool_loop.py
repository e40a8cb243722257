"""A multi-turn tool loop in thinking mode.

Since 2026-09-11 DeepSeek requires every earlier assistant turn's reasoning_content to be sent back
when a request carries tools. to_message() keeps it; the client's history_policy='backfill' (the
default) also fills in "" for any turn that lost it.
"""

import json
from typing import cast

from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageParam,
)

from deepseek_openai import get_client, to_message

client = get_client()
tools: list[ChatCompletionFunctionToolParam] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def get_weather(city: str) -> dict[str, object]:
    return {"city": city, "weather": "sunny", "celsius": 21}


messages: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": "Weather in Hangzhou? Use the tool."}
]
for _ in range(5):  # bounded: a model that keeps calling tools must not loop forever
    response = client.chat.completions.create(model="deepseek-flash", messages=messages, tools=tools)
    message = response.choices[0].message
    # to_message() keeps reasoning_content; it returns a plain dict, typed here as the assistant turn it is.
    messages.append(cast(ChatCompletionAssistantMessageParam, to_message(response)))
    if not message.tool_calls:
        print("answer:", message.content)
        break
    for call in message.tool_calls:
        if call.type != "function":  # DeepSeek calls functions only
            continue
        args = json.loads(call.function.arguments)
        result = get_weather(**args)
        print(f"tool call: {call.function.name}({args}) -> {result}")
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
