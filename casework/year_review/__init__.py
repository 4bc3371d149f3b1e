"""The year in review: the year's figures and charts as a PDF for the general assembly."""
