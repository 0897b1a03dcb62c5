import datetime

import google.generativeai as genai
from google.generativeai import caching

cache = caching.CachedContent.create(
    model="models/gemini-1.5-flash-001",
    display_name="manual",
    system_instruction="You answer from the manual.",
    contents=["The manual says: press the red button to start."],
    ttl=datetime.timedelta(minutes=5),
)
model = genai.GenerativeModel.from_cached_content(cached_content=cache)
print(model.generate_content("How do I start it?").text)
print([c.display_name for c in caching.CachedContent.list()])
cache.delete()
