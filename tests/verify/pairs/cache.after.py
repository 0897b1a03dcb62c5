from google import genai
from google.genai import types

client = genai.Client()
cache = client.caches.create(
    model="gemini-3-flash-preview",
    config=types.CreateCachedContentConfig(
        display_name="manual",
        system_instruction="You answer from the manual.",
        contents=["The manual says: press the red button to start."],
        ttl="300s",
    ),
)
interaction = client.interactions.create(
    model="gemini-3-flash-preview", input="How do I start it?", cached_content=cache.name
)
print(interaction.output_text)
print([c.display_name for c in client.caches.list()])
client.caches.delete(name=cache.name)
