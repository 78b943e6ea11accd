#!/usr/bin/env bash
# Re-makes demo/media/sample-clip.webm (committed, 130 KB) from the MIT-licensed sample photo.
set -euo pipefail
cd "$(dirname "$0")/.."
ffmpeg -v error -y -loop 1 -i node_modules/@vladmandic/face-api/demo/sample1.jpg -filter_complex \
  "[0:v]crop=960:720:1072:-34,scale=640:480,setsar=1,fps=15,rotate='0.2*sin(2*PI*t/4)':fillcolor=gray,zoompan=z='1.1+0.1*sin(2*PI*on/60)':x='iw/2-(iw/zoom/2)+30*sin(2*PI*on/45)':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=15,format=yuv420p" \
  -t 4 -c:v libvpx-vp9 -b:v 300k -an demo/media/sample-clip.webm
