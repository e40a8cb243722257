"""Quick start (sync): the one-line swap. Reads DEEPSEEK_API_KEY (and DEEPSEEK_BASE_URL) from the env."""

from deepseek_openai import get_client

client = get_client()  # was: client = OpenAI()

response = client.chat.completions.create(
    model="deepseek-flash",
    messages=[{"role": "user", "content": "Say hello in French."}],
)
message = response.choices[0].message
print("reasoning:", getattr(message, "reasoning_content", None))  # thinking is on by default
print("answer:", message.content)

# Thinking off for a quick, cheap answer (deepseek-chat in 2025 terms):
fast = client.with_options(thinking=False)
response = fast.chat.completions.create(
    model="deepseek-flash", messages=[{"role": "user", "content": "Say hello in Spanish."}]
)
print("answer (no thinking):", response.choices[0].message.content)
