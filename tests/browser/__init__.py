"""Browser tests: the real app in a live server, driven through headless Chromium."""
