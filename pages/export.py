"""export (in progress)."""

import streamlit as st

st.title("export")
