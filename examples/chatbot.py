"""A terminal chat bot that keeps one conversation per user."""

import google.generativeai as genai

genai.configure(api_key="YOUR_API_KEY")

model = genai.GenerativeModel("gemini-pro", system_instruction="You are a friendly tutor.")
sessions = {}


def reply(user_id: str, message: str) -> str:
    if user_id not in sessions:
        sessions[user_id] = model.start_chat()
    answer = sessions[user_id].send_message(message)
    return answer.text


def stream_story(topic: str) -> None:
    for chunk in model.generate_content(f"Tell a short story about {topic}", stream=True):
        print(chunk.text, end="", flush=True)
    print()


if __name__ == "__main__":
    print(reply("ada", "Hi! Can you explain recursion?"))
    print(reply("ada", "Give me an example in Python."))
    stream_story("a lighthouse")
