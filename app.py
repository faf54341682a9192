"""Streamlit entry point (the full app arrives with the app issue)."""

import streamlit as st

from roi import compute, load_scenario

st.set_page_config(page_title="AI Coding Assistant ROI", layout="wide")
results = compute(load_scenario("sample_data/scenarios/worked_example.json"))
st.title("AI coding assistant ROI")
st.metric("NPV", f"{results.finance.npv:,.0f} {results.currency}")
