"""Streamlit pages and helpers behind app.py: a thin face on kb/ that holds no retrieval logic."""
