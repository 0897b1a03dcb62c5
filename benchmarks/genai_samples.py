"""How many google-genai "old surface" call sites a run migrates, on varied sample programs.

The samples below are written the way public google-genai code is written (Streamlit apps,
FastAPI routes, class wrappers, notebook-like scripts, async code, CLIs, a small package whose
client lives in another module), not in the shape of the test fixtures. Sites are counted
with the real-code benchmark's own definitions (benchmarks/realcode_sites.py: `X.models.
generate_content[_stream]`, `X.chats.create`, `send_message[_stream]` on a chat of the file),
before and after one write run of gemini-migrate over a copy of the samples; every rewritten
file must still compile.

    python benchmarks/genai_samples.py            # the gemini-migrate on PATH of this Python
    python benchmarks/genai_samples.py --python /work/main/.venv/bin/python   # another build

Some samples must stay as they are (a Vertex AI client, prompts read from a JSON request,
a client whose type nothing proves): they keep the count honest, a run that migrated them
would be wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realcode_sites import python_sites  # noqa: E402

SAMPLES: dict[str, str] = {}

SAMPLES["streamlit_app/app.py"] = '''\
import streamlit as st
from google import genai

st.title("Gemini Q&A")


@st.cache_resource
def get_client():
    return genai.Client(api_key=st.secrets["GEMINI_API_KEY"])


client = get_client()

if prompt := st.chat_input("Ask me anything"):
    st.chat_message("user").write(prompt)
    with st.spinner("Thinking..."):
        response = client.models.generate_content(model="gemini-2.5-flash", contents=prompt)
    st.chat_message("assistant").write(response.text)
'''

SAMPLES["fastapi_service/main.py"] = '''\
import os

from fastapi import FastAPI
from google import genai
from google.genai import types
from pydantic import BaseModel

app = FastAPI()
client = genai.Client(api_key=os.environ["GEMINI_API_KEY"])
MODEL = os.getenv("GEMINI_MODEL", "gemini-2.5-flash")


class Question(BaseModel):
    text: str
    language: str = "en"


@app.post("/ask")
async def ask(question: Question) -> dict:
    response = await client.aio.models.generate_content(
        model=MODEL,
        contents=f"Answer in {question.language}: {question.text}",
        config=types.GenerateContentConfig(temperature=0.2, max_output_tokens=512),
    )
    return {"answer": response.text}


@app.get("/haiku")
def haiku(topic: str) -> dict:
    response = client.models.generate_content(
        model=MODEL, contents="Write a haiku about " + topic
    )
    return {"haiku": response.text}
'''

SAMPLES["wrapper_class/gemini_service.py"] = '''\
import logging

from google import genai
from google.genai import types

logger = logging.getLogger(__name__)


class GeminiService:
    """Thin wrapper used by the rest of the app."""

    def __init__(self, api_key: str, model: str = "gemini-2.5-flash"):
        self.model = model
        self.client = genai.Client(api_key=api_key)

    def summarize(self, text: str) -> str:
        prompt = f"Summarize the following text in three sentences:\\n\\n{text}"
        response = self.client.models.generate_content(
            model=self.model,
            contents=prompt,
            config=types.GenerateContentConfig(
                system_instruction="You are a concise assistant.",
            ),
        )
        logger.info("summary done")
        return response.text

    def translate(self, text, target):
        prompt = "Translate to {}: {}".format(target, text)
        response = self.client.models.generate_content(model=self.model, contents=prompt)
        return response.text
'''

SAMPLES["lazy_client/agent.py"] = '''\
from google import genai


class Agent:
    def __init__(self, name: str):
        self.name = name
        self.client = None

    def connect(self, api_key):
        self.client = genai.Client(api_key=api_key)

    def run(self, task: str) -> str:
        result = self.client.models.generate_content(
            model="gemini-2.5-flash", contents=f"You are {self.name}. Task: {task}"
        )
        return result.text
'''

SAMPLES["notebook_script/explore.py"] = '''\
# %% [markdown]
# Exploring Gemini

# %%
import os

from google import genai

API_KEY = os.environ.get("GOOGLE_API_KEY")
client = genai.Client(api_key=API_KEY)

# %%
response = client.models.generate_content(
    model="gemini-2.5-flash", contents="Explain how AI works in a few words"
)
print(response.text)

# %%
for chunk in client.models.generate_content_stream(
    model="gemini-2.5-flash", contents="Write a story about a magic backpack."
):
    print(chunk.text, end="")

# %%
questions = ["What is a black hole?", "Why is the sky blue?"]
for q in questions:
    answer = client.models.generate_content(model="gemini-2.5-flash", contents=q)
    print(q, "->", answer.text)
'''

SAMPLES["cli_chat/chat.py"] = '''\
from google import genai


def main():
    client = genai.Client()
    chat = client.chats.create(model="gemini-2.5-flash")
    print("Type 'quit' to exit.")
    while True:
        user = input("> ")
        if user.strip().lower() == "quit":
            break
        reply = chat.send_message(user)
        print(reply.text)


if __name__ == "__main__":
    main()
'''

SAMPLES["factory/llm.py"] = '''\
import os
from functools import lru_cache

from google import genai


@lru_cache(maxsize=1)
def get_client() -> genai.Client:
    return genai.Client(api_key=os.environ["GEMINI_API_KEY"])


def build_client():
    key = os.environ.get("GEMINI_API_KEY")
    return genai.Client(api_key=key)


def classify(ticket: str) -> str:
    client = get_client()
    response = client.models.generate_content(
        model="gemini-2.5-flash",
        contents=f"Classify this support ticket as bug, feature or question: {ticket}",
    )
    return response.text.strip()


def rewrite(text: str) -> str:
    client = build_client()
    response = client.models.generate_content(
        model="gemini-2.5-flash", contents="Rewrite politely: " + text
    )
    return response.text
'''

SAMPLES["param_client/pipeline.py"] = '''\
from google import genai


def summarize(client, document):
    response = client.models.generate_content(
        model="gemini-2.5-flash", contents=f"Summarize:\\n{document}"
    )
    return response.text


def keywords(client, document):
    response = client.models.generate_content(
        model="gemini-2.5-flash", contents="List five keywords of: " + str(document)
    )
    return response.text


def run(path):
    client = genai.Client()
    with open(path) as fh:
        document = fh.read()
    print(summarize(client, document))
    print(keywords(client, document))


if __name__ == "__main__":
    run("notes.txt")
'''

SAMPLES["injected_ctor/summarizer.py"] = '''\
from google import genai


class Summarizer:
    def __init__(self, client, model="gemini-2.5-flash"):
        self.client = client
        self.model = model

    def __call__(self, text: str) -> str:
        response = self.client.models.generate_content(model=self.model, contents=text)
        return response.text


summarizer = Summarizer(genai.Client())
print(summarizer("A long article about rivers."))
'''

SAMPLES["package/app/clients.py"] = '''\
import os

from google import genai

gemini = genai.Client(api_key=os.environ["GEMINI_API_KEY"])


def get_gemini():
    return gemini
'''

SAMPLES["package/app/__init__.py"] = ""

SAMPLES["package/app/jobs.py"] = '''\
from google.genai import types

from app.clients import gemini


def tag_article(title: str, body: str) -> str:
    response = gemini.models.generate_content(
        model="gemini-2.5-flash",
        contents=f"Give three tags for: {title}\\n{body}",
        config=types.GenerateContentConfig(temperature=0.0),
    )
    return response.text
'''

SAMPLES["package/app/routes.py"] = '''\
from google.genai import types

from .clients import get_gemini


def title_for(text: str) -> str:
    client = get_gemini()
    response = client.models.generate_content(
        model="gemini-2.5-flash",
        contents="Suggest a title for: " + text,
        config=types.GenerateContentConfig(max_output_tokens=40),
    )
    return response.text
'''

SAMPLES["async_batch/run.py"] = '''\
import asyncio

from google import genai

PROMPTS = ["Name a fruit.", "Name a colour.", "Name a planet."]


async def ask(client: genai.Client, prompt: str) -> str:
    response = await client.aio.models.generate_content(model="gemini-2.5-flash", contents=prompt)
    return response.text


async def main() -> None:
    client = genai.Client()
    answers = await asyncio.gather(*(ask(client, p) for p in PROMPTS))
    for answer in answers:
        print(answer)


asyncio.run(main())
'''

SAMPLES["async_chat/bot.py"] = '''\
import asyncio

from google import genai


async def main():
    client = genai.Client()
    chat = client.aio.chats.create(model="gemini-2.5-flash")
    first = await chat.send_message("Hi, I am planning a trip to Japan.")
    print(first.text)
    second = await chat.send_message("What should I pack?")
    print(second.text)


asyncio.run(main())
'''

SAMPLES["global_client/worker.py"] = '''\
from google import genai

client = None


def init(api_key: str) -> None:
    global client
    client = genai.Client(api_key=api_key)


def describe(item: str) -> str:
    prompt = "Describe {} in one sentence.".format(item)
    response = client.models.generate_content(model="gemini-2.5-flash", contents=prompt)
    return response.text
'''

SAMPLES["prompt_builder/report.py"] = '''\
import sys

from google import genai

client = genai.Client()


def build_prompt(data) -> str:
    lines = [f"- {k}: {v}" for k, v in data.items()]
    return "Write a short report from these facts:\\n" + "\\n".join(lines)


def compose(topic):
    return f"Write an outline about {topic}."


report = client.models.generate_content(
    model="gemini-2.5-flash", contents=build_prompt({"sales": 10, "returns": 2})
)
print(report.text)
outline = client.models.generate_content(model="gemini-2.5-flash", contents=compose(sys.argv[1]))
print(outline.text)
question = sys.argv[2]
print(client.models.generate_content(model="gemini-2.5-flash", contents=question).text)
'''

SAMPLES["caller_text/helpers.py"] = '''\
from google import genai

client = genai.Client()


def ask(question, temperature=0.5):
    response = client.models.generate_content(
        model="gemini-2.5-flash",
        contents=question,
        config={"temperature": temperature},
    )
    return response.text


if __name__ == "__main__":
    print(ask("What is the capital of France?"))
    print(ask(input("Your question: "), temperature=0.9))
'''

SAMPLES["file_prompt/review.py"] = '''\
from pathlib import Path

from google import genai

client = genai.Client()
diff = Path("changes.diff").read_text()
with open("guidelines.md") as f:
    guidelines = f.read()

review = client.models.generate_content(
    model="gemini-2.5-flash",
    contents=guidelines + "\\n\\nReview this diff:\\n" + diff,
)
print(review.text)
'''

SAMPLES["stream_server/sse.py"] = '''\
from flask import Flask, Response, request
from google import genai

app = Flask(__name__)
client = genai.Client()


@app.route("/stream")
def stream():
    topic = request.args.get("topic", "space")

    def generate():
        for chunk in client.models.generate_content_stream(
            model="gemini-2.5-flash", contents=f"Tell me about {topic}"
        ):
            yield chunk.text

    return Response(generate(), mimetype="text/plain")


@app.post("/complete")
def complete():
    payload = request.get_json()
    response = client.models.generate_content(model="gemini-2.5-flash", contents=payload["prompt"])
    return {"text": response.text}
'''

SAMPLES["vertex_app/vertex.py"] = '''\
from google import genai

client = genai.Client(vertexai=True, project="my-project", location="us-central1")
response = client.models.generate_content(model="gemini-2.5-flash", contents="Hello")
print(response.text)
'''

SAMPLES["json_prompts/batch.py"] = '''\
import json

from google import genai

client = genai.Client()
with open("prompts.json") as fh:
    prompts = json.load(fh)
for item in prompts:
    result = client.models.generate_content(model="gemini-2.5-flash", contents=item["prompt"])
    print(result.text)
'''

SAMPLES["unknown_receiver/tasks.py"] = '''\
from google import genai


def handle(ctx, text: str) -> str:
    response = ctx.llm.models.generate_content(model="gemini-2.5-flash", contents=text)
    return response.text


def default_client():
    return genai.Client()
'''

SAMPLES["streamlit_chat/chat_app.py"] = '''\
import streamlit as st
from google import genai

client = genai.Client(api_key=st.secrets["GOOGLE_API_KEY"])

if "chat" not in st.session_state:
    st.session_state.chat = client.chats.create(model="gemini-2.5-flash")

for message in st.session_state.get("messages", []):
    st.chat_message(message["role"]).markdown(message["content"])

if prompt := st.chat_input("Say something"):
    reply = st.session_state.chat.send_message(prompt)
    st.chat_message("assistant").markdown(reply.text)
'''

SAMPLES["self_factory/assistant.py"] = '''\
import os

from google import genai
from google.genai import types


class Assistant:
    def __init__(self, system_prompt: str):
        self.system_prompt = system_prompt
        self.client = self._make_client()

    def _make_client(self):
        return genai.Client(api_key=os.getenv("GEMINI_API_KEY"))

    def reply(self, message: str) -> str:
        response = self.client.models.generate_content(
            model="gemini-2.5-flash",
            contents=message,
            config=types.GenerateContentConfig(system_instruction=self.system_prompt),
        )
        return response.text
'''


def count(root: Path) -> tuple[int, dict[str, int]]:
    total = 0
    per: dict[str, int] = {}
    for rel in SAMPLES:
        text = (root / rel).read_text(encoding="utf-8")
        sites = sum(python_sites(text).genai.values())
        per[rel] = sites
        total += sites
    return total, per


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the Python whose `migrator` package runs (default: this one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", metavar="DIR", help="copy the migrated samples to DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        for rel, text in SAMPLES.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        before, per_before = count(root)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        run = subprocess.run([args.python, "-c", "from migrator.cli import main; main()",
                              "--output-format", "json", str(root)],
                             capture_output=True, text=True, env=env, cwd=root)
        if run.returncode not in (0, 1):
            print(run.stdout, run.stderr, file=sys.stderr)
            return 2
        after, per_after = count(root)
        if args.keep:
            shutil.copytree(root, args.keep, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".git"))
        broken = []
        for rel in SAMPLES:
            try:
                compile((root / rel).read_text(encoding="utf-8"), rel, "exec")
            except SyntaxError:
                broken.append(rel)
    migrated = before - after
    result = {"files": len(SAMPLES), "sites": before, "migrated": migrated,
              "share": round(migrated / before, 3) if before else 0.0, "broken": broken,
              "left": {rel: per_after[rel] for rel in SAMPLES if per_after[rel]}}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for rel in SAMPLES:
            if per_before[rel]:
                print(f"{rel:40} {per_before[rel] - per_after[rel]}/{per_before[rel]}")
        print(f"migrated {migrated} of {before} sites ({result['share']:.0%}) "
              f"in {len(SAMPLES)} files; broken: {len(broken)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
