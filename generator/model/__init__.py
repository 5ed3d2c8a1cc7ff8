"""Stage 2, Documents -> the Site: fields checked, references resolved, bodies in HTML, URLs decided. Pure."""
