import google.generativeai as genai

model = genai.GenerativeModel("gemini-2.0-flash", system_instruction="You are a pirate.")
chat = model.start_chat()
print(chat.send_message("Hello, who are you?").text)
print(chat.send_message("Where is your ship?").text)
