"""Names of the legacy `google-generativeai` API the legacy planner and its satellites share."""

from __future__ import annotations

LEGACY = "google.generativeai"
COUNT = {"count_tokens": False, "count_tokens_async": True}
# The model catalogue: no Interactions equivalent, google-genai keeps it on client.models.
MODELS_API = {f"{LEGACY}.list_models": "list", f"{LEGACY}.get_model": "get"}
EMBED = {f"{LEGACY}.embed_content": False, f"{LEGACY}.embed_content_async": True}
USAGE_FIELDS = {
    "prompt_token_count": "total_input_tokens",
    "candidates_token_count": "total_output_tokens",
    "total_token_count": "total_tokens",
    "cached_content_token_count": "total_cached_tokens",
}
