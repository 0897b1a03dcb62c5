"""Function calling: the tools become declarations, automatic function calling a loop."""

import google.generativeai as genai

genai.configure(api_key="YOUR_API_KEY")


def get_weather(city: str) -> str:
    """Return the current weather for a city."""
    return f"It is sunny in {city}."


model = genai.GenerativeModel("gemini-2.0-flash", tools=[get_weather])
chat = model.start_chat(enable_automatic_function_calling=True)
print(chat.send_message("What is the weather in Lisbon?").text)

writer = genai.GenerativeModel("gemini-2.5-flash")
print(writer.generate_content("Write a one-line weather poem.").text)
