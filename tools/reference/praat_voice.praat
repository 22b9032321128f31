# Praat reference values for @mer/feature-extractors' acoustic parameters (pitch, HNR, jitter,
# shimmer, formants), printed as one line each. Run by tools/reference/praat_voice_reference.sh.
form Voice
  sentence file
endform
sound = Read from file: file$
selectObject: sound
pitch = To Pitch (ac): 0.01, 75, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 600
f0 = Get mean: 0, 0, "Hertz"
voiced = Count voiced frames
selectObject: sound
harm = To Harmonicity (ac): 0.01, 75, 0.1, 4.5
hnr = Get mean: 0, 0
selectObject: sound
pp = To PointProcess (periodic, cc): 75, 600
jit = Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
selectObject: sound, pp
shim = Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
selectObject: sound
formant = To Formant (burg): 0.01, 5, 5500, 0.025, 50
f1 = Get mean: 1, 0, 0, "hertz"
f2 = Get mean: 2, 0, 0, "hertz"
f3 = Get mean: 3, 0, 0, "hertz"
appendInfoLine: "meanF0 ", fixed$(f0, 3)
appendInfoLine: "voicedFrames ", voiced
appendInfoLine: "meanHNR ", fixed$(hnr, 3)
appendInfoLine: "jitterLocal ", fixed$(jit, 6)
appendInfoLine: "shimmerLocal ", fixed$(shim, 6)
appendInfoLine: "meanF1 ", fixed$(f1, 1)
appendInfoLine: "meanF2 ", fixed$(f2, 1)
appendInfoLine: "meanF3 ", fixed$(f3, 1)
