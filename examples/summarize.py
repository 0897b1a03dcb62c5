"""Summarise a text file with Gemini (legacy google-generativeai code)."""

import os
import sys

import google.generativeai as genai

genai.configure(api_key=os.environ.get("GOOGLE_API_KEY"))

model = genai.GenerativeModel(
    "gemini-1.5-flash",
    system_instruction="You summarise documents in three bullet points.",
    generation_config=genai.GenerationConfig(temperature=0.2, max_output_tokens=256),
)


def summarize(text: str) -> str:
    response = model.generate_content(f"Summarise this:\n\n{text}")
    return response.text


SAMPLE = (
    "The lighthouse keeper wrote the same line in the logbook every night for forty years: "
    "'Light lit, sea calm, no ships.' On the last night before the light was automated, he "
    "wrote something different: 'Light lit. Sea calm. Thank you for the company.'"
)

if __name__ == "__main__":
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as fh:
            print(summarize(fh.read()))
    else:
        print(summarize(SAMPLE))
