"""What the picture shows, for people who cannot see it: shots, on-screen text, faces,
brightness and colour, camera motion and problems (black, dark, bright, blurry, shaky,
frozen), per source (analyse.py) and as they fall on the timeline (placed.py).

Beside media/: it reads media files and knows nothing of projects or sessions."""
