"""FIM (fill in the middle, beta): complete code between a prompt and a suffix. Never thinks."""

from deepseek_openai import fim_complete, get_client

client = get_client()
prompt = "def fib(a):\n"
suffix = "    return fib(a-1) + fib(a-2)\n"
completion = fim_complete(client, prompt, suffix=suffix, max_tokens=128)
print(prompt + completion.choices[0].text + suffix)
