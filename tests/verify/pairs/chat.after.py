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
    previous_interaction_id=first.id,
)
print(second.output_text)
