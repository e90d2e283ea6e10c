"""`wirebrief batch`: thousands of articles through the same pipeline, resumably."""
