# DELIBERATELY WRONG migration of chat.before.py: the second turn forgets
# previous_interaction_id, so the model no longer sees the first turn.
from google import genai

client = genai.Client()
first = client.interactions.create(
    model="gemini-3-flash-preview",
    input="Hello, who are you?",
    system_instruction="You are a pirate.",
)
print(first.output_text)
second = client.interactions.create(
    model="gemini-3-flash-preview",
    input="Where is your ship?",
    system_instruction="You are a pirate.",
)
print(second.output_text)
