import google.generativeai as genai


def get_weather(city: str) -> str:
    """Return the current weather for a city."""
    return f"It is sunny in {city}."


model = genai.GenerativeModel("gemini-2.0-flash", tools=[get_weather])
chat = model.start_chat(enable_automatic_function_calling=True)
print(chat.send_message("What is the weather in Lisbon?").text)
