from google import genai

client = genai.Client()
print(
    client.models.count_tokens(
        model="gemini-3-flash-preview", contents="How many tokens is this?"
    ).total_tokens
)
