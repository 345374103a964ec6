"""Photos: reading and checking image files, the photo library, import and folder watching."""
