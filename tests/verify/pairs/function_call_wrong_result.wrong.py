from google import genai


def get_weather(city: str) -> str:
    """Return the current weather for a city."""
    return f"It is sunny in {city}."


TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Return the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    }
]
FUNCTIONS = {"get_weather": get_weather}

client = genai.Client()
interaction = client.interactions.create(
    model="gemini-3-flash-preview", input="What is the weather in Lisbon?", tools=TOOLS
)
while interaction.status == "requires_action":
    results = [
        {
            "type": "function_result",
            "call_id": step.id,
            "name": step.name,
            "result": "done",  # wrong: the function is never run
        }
        for step in interaction.steps
        if step.type == "function_call"
    ]
    interaction = client.interactions.create(
        model="gemini-3-flash-preview",
        input=results,
        tools=TOOLS,
        previous_interaction_id=interaction.id,
    )
print(interaction.output_text)
