"""The media library: uploaded images, their variants and alt texts per language."""
