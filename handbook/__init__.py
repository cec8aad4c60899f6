"""Handbook and forms kit for 基层党组织组织生活会和民主评议党员: data models, renderers, PDFs and jobs."""
