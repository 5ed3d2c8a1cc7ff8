"""`build.py import`: Word documents (.docx) -> content files with their pictures in media/."""
