/**
 * The player page at /output: only the video, full window, black, for an OBS Browser Source or a second screen.
 * A WHEP client in plain JS (no CDN, it must work offline on stage) that reconnects on its own: when the server
 * restarts, the network drops or the session ends, it tries again with a growing pause (up to 5 s).
 * `window.scopeOutput` exposes the connection state for tests and for people poking at the console.
 */
export function outputPage(endpoint = '/whep'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>daydream-scope output</title>
<style>
  html, body { margin: 0; height: 100%; background: #000; overflow: hidden; cursor: none; }
  video { position: fixed; inset: 0; width: 100%; height: 100%; object-fit: contain; background: #000; }
</style>
</head>
<body>
<video id="v" autoplay muted playsinline disablepictureinpicture></video>
<script>
(() => {
  const endpoint = ${JSON.stringify(endpoint)};
  const video = document.getElementById('v');
  const fit = new URLSearchParams(location.search).get('fit');
  if (fit === 'cover' || fit === 'fill') video.style.objectFit = fit;
  const status = (window.scopeOutput = { state: 'connecting', connects: 0, session: null });
  let pc = null;
  let session = null;
  let retryMs = 500;
  let timer = null;

  function gathered(peer, ms) {
    if (peer.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      peer.addEventListener('icegatheringstatechange', () => {
        if (peer.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
      });
    });
  }

  function teardown() {
    if (pc) { pc.onconnectionstatechange = null; pc.ontrack = null; pc.close(); pc = null; }
    if (session) { fetch(session, { method: 'DELETE', keepalive: true }).catch(() => {}); session = null; }
  }

  function retry(why) {
    status.state = 'retrying';
    status.lastError = String(why);
    teardown();
    clearTimeout(timer);
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  }

  async function connect() {
    teardown();
    status.state = 'connecting';
    const peer = (pc = new RTCPeerConnection());
    peer.addTransceiver('video', { direction: 'recvonly' });
    peer.ontrack = (e) => { video.srcObject = e.streams[0] || new MediaStream([e.track]); video.play().catch(() => {}); };
    peer.onconnectionstatechange = () => {
      const s = peer.connectionState;
      if (s === 'connected') { status.state = 'playing'; status.connects++; retryMs = 500; }
      else if (s === 'failed' || s === 'closed') retry('connection ' + s);
      else if (s === 'disconnected') { clearTimeout(timer); timer = setTimeout(() => peer.connectionState === 'disconnected' && retry('disconnected'), 3000); }
    };
    try {
      await peer.setLocalDescription(await peer.createOffer());
      await gathered(peer, 2000);
      const res = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: peer.localDescription.sdp });
      if (res.status !== 201) throw new Error('WHEP ' + res.status + ': ' + (await res.text()));
      if (pc !== peer) return;
      session = new URL(res.headers.get('Location'), new URL(endpoint, location.href)).href;
      status.session = session;
      await peer.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    } catch (err) {
      if (pc === peer) retry(err && err.message ? err.message : err);
    }
  }

  addEventListener('pagehide', teardown);
  connect();
})();
</script>
</body>
</html>
`;
}
