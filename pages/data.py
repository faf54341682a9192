"""data (in progress)."""

import streamlit as st

st.title("data")
