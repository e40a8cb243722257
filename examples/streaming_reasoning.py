"""Stream an answer in thinking mode: reasoning deltas first, then the answer, then usage."""

from deepseek_openai import ContentDelta, ReasoningDelta, UsageEvent, get_client, iter_events

client = get_client()
stream = client.chat.completions.create(
    model="deepseek-flash",
    messages=[{"role": "user", "content": "Is 97 prime?"}],
    stream=True,
    stream_options={"include_usage": True},
)

with iter_events(stream) as events:
    for event in events:
        if isinstance(event, ReasoningDelta):
            print(event.text, end="", flush=True)  # the model thinking
        elif isinstance(event, ContentDelta):
            print(event.text, end="", flush=True)  # the answer
        elif isinstance(event, UsageEvent):
            print(f"\n[usage: {event.summary.reasoning_tokens} reasoning tokens]")

final = events.final  # the accumulated message
print("finish_reason:", final.finish_reason)
print("reasoning kept for the next turn:", final.reasoning_content is not None)
