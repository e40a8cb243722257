"""Chat prefix completion (beta): force the answer to start with a prefix.

prefix_complete() always sends through the beta base URL (client.beta_client). The example from
DeepSeek's docs: start a Python code block and stop at its end, so the answer is code only.
"""

from deepseek_openai import get_client, prefix_complete

client = get_client(thinking=False)
completion = prefix_complete(
    client,
    [{"role": "user", "content": "Please write quick sort code"}],
    "```python\n",
    stop=["```"],
)
print("```python\n" + (completion.choices[0].message.content or "") + "\n```")
