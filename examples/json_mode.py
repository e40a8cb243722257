"""JSON mode: json_complete() asks for json_object, checks the prompt mentions JSON, and parses.

DeepSeek has no json_schema; show the shape in the prompt. Blank answers (a known JSON-mode quirk)
raise JSONModeError, or are re-sent with retries=N.
"""

from deepseek_openai import JSONModeError, get_client, json_complete

client = get_client(thinking=False)
messages = [
    {"role": "system", "content": 'Answer in JSON: {"question": str, "answer": str}.'},
    {"role": "user", "content": "Which is the longest river in the world?"},
]
try:
    result = json_complete(client, messages, retries=1)
except JSONModeError as exc:
    print("no usable JSON:", exc.reason)
else:
    print(result.value)
