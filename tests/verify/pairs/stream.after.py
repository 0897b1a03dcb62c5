from google import genai

client = genai.Client()
for event in client.interactions.create(
    model="gemini-3.1-pro-preview",
    input="Write a long story about a lighthouse keeper.",
    stream=True,
):
    if event.event_type == "step.delta" and event.delta.type == "text":
        print(event.delta.text)
