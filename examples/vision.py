"""Pictures: upload an image, ask about it, delete it; then the one-call helper, sync and async."""

from __future__ import annotations

import asyncio

from openai.types.chat import ChatCompletionContentPartParam

from deepseek_openai import aask_image, ask_image, get_async_client, get_client, image_part, inspect_image
from deepseek_openai.testing import sample_png

QUESTION = "What is in this picture?"


def main() -> None:
    picture = sample_png(64, 48)  # any JPEG, PNG, GIF or WebP bytes (or a path)
    info = inspect_image(picture)
    print(f"image: {info.mime} {info.width}x{info.height}, {info.bytes} bytes, <= {info.max_tokens} tokens")
    with get_client(thinking=False) as client:
        uploaded = client.files.create(file=("photo.png", picture), purpose="user_data")
        print("uploaded:", uploaded.id)
        part = image_part(picture)  # inline data: URL (image_part(path, client=client) uploads big ones)
        by_id: ChatCompletionContentPartParam = {"type": "file", "file": {"file_id": uploaded.id}}
        for image in (by_id, part):
            content: list[ChatCompletionContentPartParam] = [{"type": "text", "text": QUESTION}, image]
            reply = client.chat.completions.create(
                model="deepseek-flash", messages=[{"role": "user", "content": content}]
            )
            print("answer:", reply.choices[0].message.content)
        print("deleted:", client.files.delete(uploaded.id).deleted)
        print("one call:", ask_image(client, picture, "Its colour?").choices[0].message.content)


async def amain() -> None:
    async with get_async_client(thinking=False) as client:
        reply = await aask_image(client, sample_png(8, 8), "And this one?", upload=True)
        print("async:", reply.choices[0].message.content)


if __name__ == "__main__":
    main()
    asyncio.run(amain())
