"""Quick start (async): get_async_client() is an openai.AsyncOpenAI pointed at DeepSeek."""

import asyncio

from deepseek_openai import get_async_client


async def main() -> None:
    async with get_async_client(thinking=False) as client:
        questions = ["What is 2+2?", "Name a prime number.", "Capital of Italy?"]
        responses = await asyncio.gather(
            *(
                client.chat.completions.create(
                    model="deepseek-flash", messages=[{"role": "user", "content": q}]
                )
                for q in questions
            )
        )
        for question, response in zip(questions, responses, strict=True):
            print(f"{question} -> {response.choices[0].message.content}")


asyncio.run(main())
