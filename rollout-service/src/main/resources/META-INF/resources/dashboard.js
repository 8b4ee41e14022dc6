'use strict';

/*
 * The rollout dashboard. rollout-service streams the latest status record of every key, then each new one, as
 * Server-Sent Events: a Summary per rollout and a SubnetStatus per subnet of a rollout. A record is complete for
 * its key, so the page keeps the highest version per key and redraws.
 * Plain DOM and inline SVG: no framework, nothing fetched from outside this service.
 */
(() => {
  // Relative, so the page also works behind a path prefix (an ingress).
  const STREAM_URL = 'api/rollouts/stream';
  const RECONNECT_MILLIS = 3000;
  const TERMINAL_STATES = new Set(['COMPLETED', 'CANCELLED']);
  const PAUSED_STATES = new Set(['PAUSED', 'PAUSED_ON_ERRORS']);
  const IN_FLIGHT_STATES = ['COMMANDED', 'DOWNLOADING', 'INSTALLING'];
  /* How the reason for the rollout's state is shown: a warning only where it asks for the admin's attention. */
  const REASON_KINDS = {PAUSED: 'warn', PAUSED_ON_ERRORS: 'error', CANCELLED: 'warn', COMPLETED: 'ok'};
  /* Segments of a subnet's progress bar, in drawing order; PENDING is the empty rest. */
  const SEGMENTS = [
    {key: 'current', label: 'already on target', states: ['CURRENT']},
    {key: 'upgraded', label: 'upgraded', states: ['UPGRADED']},
    {key: 'in-flight', label: 'in progress', states: IN_FLIGHT_STATES},
    {key: 'failed', label: 'failed', states: ['FAILED']},
    {key: 'cancelled', label: 'cancelled', states: ['CANCELLED']},
    {key: 'ineligible', label: 'ineligible', states: ['INELIGIBLE']},
  ];
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const rollouts = new Map();      // rollout id -> latest summary
  const subnetsOf = new Map();     // rollout id -> (subnet -> latest subnet record)
  const notices = new Map();       // rollout id -> {kind, text} of the last action
  let selectedId = null;
  let renderQueued = false;

  const $ = (id) => document.getElementById(id);

  // ---- the token ----

  /*
   * Every API call carries a bearer token: a viewer's reads the stream, an operator's also steers rollouts. It comes
   * in the link's fragment (#token=..., which never reaches a server or a log), moves to this tab's session storage,
   * and leaves the address bar at once.
   */
  const TOKEN_KEY = 'peerlift.token';

  /* True when the address brought a (new) token. */
  function takeTokenFromLink() {
    const match = /^#token=([^&]+)$/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
    return Boolean(match);
  }

  function authorized(headers) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? {...headers, Authorization: `Bearer ${token}`} : headers;
  }

  // ---- the stream ----

  let stream = null;               // the open stream's AbortController
  let reconnectTimer = null;

  /* EventSource cannot send a header, so the stream is a fetch whose body is read as Server-Sent Events. */
  async function connect() {
    if (stream) {
      stream.abort(); // a new token: stream with it
    }
    clearTimeout(reconnectTimer);
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      setConnection('down', 'No token: open the link with #token=… that bin/demo printed (var/demo/viewer.token).');
      return;
    }
    const current = new AbortController();
    stream = current;
    let retry = true;
    try {
      const response = await fetch(STREAM_URL,
          {headers: authorized({Accept: 'text/event-stream'}), signal: current.signal});
      if (!response.ok) {
        retry = response.status !== 401 && response.status !== 403;
        setConnection('down', `Stream refused: ${await problemDetail(response)}`);
      } else {
        setConnection('live', 'Live');
        await readEvents(response.body, (data) => accept(JSON.parse(data)));
        throw new Error('the stream ended');
      }
    } catch (error) {
      if (stream === current) {
        setConnection('down', 'Disconnected, retrying…');
      }
    }
    if (retry && stream === current) {
      // The server replays the latest snapshots on reconnecting.
      reconnectTimer = setTimeout(connect, RECONNECT_MILLIS);
    }
  }

  /* Calls onData with the data of each event of a text/event-stream body until it ends. */
  async function readEvents(body, onData) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    let data = [];
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        return;
      }
      buffered += value;
      const lines = buffered.split(/\r\n|\r|\n/);
      buffered = lines.pop();
      for (const line of lines) {
        if (line === '') {
          if (data.length) {
            onData(data.join('\n'));
          }
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        }
      }
    }
  }

  function accept(record) {
    const byKey = record.type === 'SubnetStatus' ? subnetsFor(record.rolloutId) : rollouts;
    const key = record.type === 'SubnetStatus' ? record.subnet : record.rolloutId;
    const known = byKey.get(key);
    if (known && known.version >= record.version) {
      return; // a replay after reconnecting
    }
    byKey.set(key, record);
    $('last-update').textContent = `Last update ${clock(record.publishedAt)}.`;
    scheduleRender();
  }

  function subnetsFor(rolloutId) {
    if (!subnetsOf.has(rolloutId)) {
      subnetsOf.set(rolloutId, new Map());
    }
    return subnetsOf.get(rolloutId);
  }

  function setConnection(state, text) {
    const element = $('connection');
    element.dataset.state = state;
    element.textContent = text;
  }

  function scheduleRender() {
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(() => {
        renderQueued = false;
        render();
      });
    }
  }

  // ---- selection ----

  function selectionFromHash() {
    const match = /^#rollout=(.+)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function newestFirst() {
    const created = (status) => Date.parse(status.createdAt) || 0;
    return [...rollouts.values()].sort((a, b) => created(b) - created(a) || a.rolloutId.localeCompare(b.rolloutId));
  }

  function select(id) {
    location.hash = `rollout=${encodeURIComponent(id)}`;
  }

  // ---- rendering ----

  function render() {
    const ordered = newestFirst();
    const wanted = selectionFromHash();
    selectedId = wanted && rollouts.has(wanted) ? wanted : ordered.length ? ordered[0].rolloutId : null;
    renderList(ordered);
    renderRollout(selectedId ? rollouts.get(selectedId) : null);
  }

  function renderList(ordered) {
    $('no-rollouts').hidden = ordered.length > 0;
    $('rollouts').hidden = ordered.length === 0;
    const body = $('rollouts').tBodies[0];
    body.replaceChildren(...ordered.map((status) => {
      const counts = status.deviceCounts;
      const row = el('tr', {
        'data-rollout-id': status.rolloutId, tabindex: '0',
        'aria-current': status.rolloutId === selectedId ? 'true' : '',
        class: status.rolloutId === selectedId ? 'selected' : '',
      }, [
        el('td', {}, [el('span', {class: 'app'}, `${status.app} ${status.targetVersion}`),
          el('span', {class: 'rollout-id'}, status.rolloutId)]),
        el('td', {}, [stateBadge(status.state)]),
        el('td', {class: 'num'}, String(total(counts))),
        el('td', {class: 'num'}, String(count(counts, 'UPGRADED'))),
        el('td', {class: 'num' + (count(counts, 'FAILED') ? ' bad' : '')}, String(count(counts, 'FAILED'))),
        el('td', {class: 'num'}, String(count(counts, 'INELIGIBLE'))),
        el('td', {class: 'num'}, bytes(status.wanBytes)),
        el('td', {class: 'num'}, bytes(status.peerBytes)),
        el('td', {}, status.startedAt ? clock(status.startedAt) : 'not started'),
      ]);
      row.addEventListener('click', () => select(status.rolloutId));
      row.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          select(status.rolloutId);
        }
      });
      return row;
    }));
  }

  function renderRollout(status) {
    const section = $('rollout');
    section.hidden = !status;
    if (!status) {
      return;
    }
    section.dataset.rolloutId = status.rolloutId;
    $('rollout-title').textContent = `${status.app} ${status.targetVersion}`;
    $('rollout-meta').textContent = [
      `Rollout ${status.rolloutId}`, `folder ${status.folderId}`, `source ${status.sourcePolicy}`,
      status.startedAt ? `started ${clock(status.startedAt)}` : 'not started yet',
      status.startedAt ? `${status.finishedAt ? 'took' : 'running for'} ${duration(elapsedSeconds(status))}` : null,
    ].filter(Boolean).join(' · ');
    const badge = $('rollout-state');
    badge.className = `badge state-${status.state}`;
    badge.textContent = label(status.state);

    const notice = notices.get(status.rolloutId);
    const sending = notice && notice.kind === 'info';
    $('pause').disabled = sending || status.state !== 'RUNNING';
    $('resume').disabled = sending || !PAUSED_STATES.has(status.state);
    $('cancel').disabled = sending || TERMINAL_STATES.has(status.state);

    $('action-notice').hidden = !notice;
    if (notice) {
      $('action-notice').className = `notice ${notice.kind}`;
      $('action-notice').querySelector('.notice-text').textContent = notice.text;
    }
    $('rollout-reason').className = `notice ${REASON_KINDS[status.state] || 'info'}`;
    $('rollout-reason').hidden = !status.stateReason;
    $('rollout-reason').textContent = status.stateReason || '';

    $('rollout-summary').replaceChildren(summary(status));
    $('subnets').replaceChildren(...[...subnetsFor(status.rolloutId).values()]
        .sort((a, b) => a.subnet.localeCompare(b.subnet, undefined, {numeric: true}))
        .map((subnet) => subnetCard(subnet, status)));
  }

  function summary(status) {
    const counts = status.deviceCounts;
    const devices = total(counts);
    const inFlight = IN_FLIGHT_STATES.reduce((sum, state) => sum + count(counts, state), 0);
    const tiles = el('div', {class: 'tiles'}, [
      tile('Upgraded', `${count(counts, 'UPGRADED')} of ${devices}`, 'upgraded'),
      tile('In progress', String(inFlight), 'in-flight'),
      tile('Failed', String(count(counts, 'FAILED')), count(counts, 'FAILED') ? 'failed' : ''),
      tile('Ineligible', String(count(counts, 'INELIGIBLE')), 'ineligible'),
      tile('From WAN', bytes(status.wanBytes), 'wan'),
      tile('From peers', bytes(status.peerBytes), 'peer'),
    ]);
    const wanNote = status.packageBytes > 0
        ? `Package ${bytes(status.packageBytes)}; WAN carried ${(status.wanBytes / status.packageBytes).toFixed(2)}× the package.`
        : '';
    return el('div', {}, [tiles, bytesBar(status.wanBytes, status.peerBytes, 'Downloaded', wanNote)]);
  }

  function tile(name, value, kind) {
    return el('div', {class: `tile ${kind}`, 'data-tile': name}, [
      el('div', {class: 'tile-value'}, value), el('div', {class: 'tile-name'}, name)]);
  }

  /* WAN against peer bytes as one stacked bar: the less orange, the better the peers did. */
  function bytesBar(wanBytes, peerBytes, caption, note) {
    const all = wanBytes + peerBytes;
    const share = (part) => (all > 0 ? (100 * part) / all : 0);
    return el('div', {class: 'bytes'}, [
      el('div', {class: 'bytes-text'}, [
        el('span', {}, `${caption}: `),
        el('span', {class: 'key wan'}, ''), `WAN ${bytes(wanBytes)} (${share(wanBytes).toFixed(0)}%)`,
        el('span', {class: 'sep'}, ' · '),
        el('span', {class: 'key peer'}, ''), `peers ${bytes(peerBytes)} (${share(peerBytes).toFixed(0)}%)`,
        note ? el('span', {class: 'note'}, ` ${note}`) : '',
      ]),
      el('div', {class: 'bar bytes-bar', 'aria-hidden': 'true'}, [
        el('span', {class: 'segment wan', style: `width:${share(wanBytes)}%`}, ''),
        el('span', {class: 'segment peer', style: `width:${share(peerBytes)}%`}, ''),
      ]),
    ]);
  }

  function subnetCard(subnet, status) {
    const counts = subnet.deviceCounts;
    const upgraded = count(counts, 'UPGRADED');
    const pending = count(counts, 'PENDING');
    const bar = el('div', {
      class: 'bar progress', role: 'progressbar', 'aria-valuemin': '0',
      'aria-valuemax': String(subnet.devices), 'aria-valuenow': String(upgraded),
      'aria-label': `Devices upgraded in ${subnet.subnet}`,
    }, SEGMENTS.map((segment) => {
      const n = segment.states.reduce((sum, state) => sum + count(counts, state), 0);
      return el('span', {
        class: `segment ${segment.key}`, 'data-segment': segment.key, 'data-count': String(n),
        style: `width:${subnet.devices > 0 ? (100 * n) / subnet.devices : 0}%`, title: `${n} ${segment.label}`,
      }, '');
    }));
    const breakdown = el('ul', {class: 'breakdown'}, [
      ...SEGMENTS.map((segment) => [segment, segment.states.reduce((sum, state) => sum + count(counts, state), 0)])
          .filter(([, n]) => n > 0)
          .map(([segment, n]) => el('li', {'data-count-of': segment.key}, [
            el('span', {class: `key ${segment.key}`}, ''), `${n} ${segment.label}`])),
      pending > 0 ? el('li', {'data-count-of': 'pending'}, [el('span', {class: 'key pending'}, ''), `${pending} pending`]) : '',
    ]);
    const facts = el('dl', {class: 'facts'}, [
      fact('Peers', `${subnet.peers}`, 'peers'),
      fact('Peer slots', `${subnet.peerSlots}`, 'peer-slots'),
      fact('Downloads now', `${subnet.downloadsInFlight}`, 'downloads'),
      fact('Rounds', `${subnet.rounds}`, 'rounds'),
      fact('WAN / peer downloads', `${subnet.wanDownloads} / ${subnet.peerDownloads}`, 'download-sources'),
    ]);
    return el('article', {class: 'subnet', 'data-subnet': subnet.subnet}, [
      el('header', {class: 'subnet-head'}, [
        el('h4', {}, subnet.subnet),
        el('span', {class: 'subnet-progress'}, `${upgraded} of ${subnet.devices} upgraded`),
      ]),
      bar,
      breakdown,
      subnet.waiting ? el('p', {class: 'waiting', role: 'status'}, [el('strong', {}, 'Waiting: '), subnet.waiting]) : '',
      facts,
      bytesBar(subnet.wanBytes, subnet.peerBytes, 'Bytes', ''),
      peersChart(subnet, status),
    ]);
  }

  function fact(name, value, key) {
    return el('div', {class: 'fact', 'data-fact': key}, [el('dt', {}, name), el('dd', {}, value)]);
  }

  // ---- peers over time against the ideal doubling ----

  /*
   * The ideal: every peer serves one more device per round, so the peers double each round, from the initial
   * peers at the start (or from the first peer, the WAN seed, when the subnet had none) up to every eligible
   * device. The round time is measured, not configured: the average time per doubling observed so far.
   */
  function idealDoubling(subnet) {
    const samples = subnet.peersOverTime;
    const start = subnet.initialPeers > 0
        ? {t: 0, peers: subnet.initialPeers, seeded: false}
        : samples.filter((s) => s.peers >= 1).map((s) => ({t: s.secondsSinceStart, peers: 1, seeded: true}))[0];
    if (!start) {
      return null;
    }
    let doublings = 0;
    let reachedAt = start.t;
    for (const sample of samples) {
      while (sample.secondsSinceStart >= start.t && sample.peers >= start.peers * 2 ** (doublings + 1)) {
        doublings++;
        reachedAt = sample.secondsSinceStart;
      }
    }
    const roundSeconds = doublings > 0 ? (reachedAt - start.t) / doublings : null;
    const ceiling = Math.max(start.peers, subnet.devices - count(subnet.deviceCounts, 'INELIGIBLE'));
    return {...start, roundSeconds, ceiling};
  }

  function peersChart(subnet, status) {
    const figure = el('figure', {class: 'chart'}, []);
    if (!status.startedAt) {
      figure.append(el('figcaption', {}, 'Peers over time: the rollout has not started.'));
      return figure;
    }
    const samples = [...subnet.peersOverTime].sort((a, b) => a.secondsSinceStart - b.secondsSinceStart);
    const now = elapsedSeconds(status);
    const ideal = idealDoubling(subnet);
    const tMax = Math.max(now, samples.length ? samples[samples.length - 1].secondsSinceStart : 0, 1);
    const yMax = Math.max(1, subnet.devices, ...samples.map((s) => s.peers));

    const size = {width: 340, height: 150, left: 30, right: 10, top: 8, bottom: 22};
    const x = (t) => size.left + (t / tMax) * (size.width - size.left - size.right);
    const y = (peers) => size.top + (1 - peers / yMax) * (size.height - size.top - size.bottom);
    const svg = svgEl('svg', {
      viewBox: `0 0 ${size.width} ${size.height}`, class: 'peers-chart', role: 'img',
      'aria-label': `Peers over time in ${subnet.subnet}: ${subnet.peers} now`,
    });
    for (const tick of ticks(yMax)) {
      svg.append(svgEl('line', {class: 'grid', x1: size.left, x2: size.width - size.right, y1: y(tick), y2: y(tick)}),
          svgText(size.left - 4, y(tick) + 3, String(tick), 'end'));
    }
    for (const tick of ticks(tMax)) {
      svg.append(svgText(x(tick), size.height - 6, duration(tick), 'middle'));
    }
    svg.append(svgEl('line', {class: 'axis', x1: size.left, x2: size.width - size.right, y1: y(0), y2: y(0)}));

    const actual = [[0, samples.length && samples[0].secondsSinceStart === 0 ? samples[0].peers : subnet.initialPeers],
      ...samples.map((s) => [s.secondsSinceStart, s.peers]), [tMax, subnet.peers]];
    svg.append(svgEl('path', {class: 'actual', d: stepPath(actual, x, y)}));
    if (ideal && ideal.roundSeconds) {
      // drawn over the actual line, so that where the two agree the dashes show on it
      svg.append(svgEl('path', {class: 'ideal', d: idealPath(ideal, tMax, x, y)}));
    }
    figure.append(svg);

    const idealText = !ideal ? 'Ideal doubling: starts with the first peer (the WAN seed).'
        : !ideal.roundSeconds ? `Ideal doubling: from ${ideal.peers} peer${ideal.peers > 1 ? 's' : ''}, drawn once the peers first doubled.`
            : `Ideal: doubling every ${ideal.roundSeconds.toFixed(1)} s from ${ideal.peers} peer${ideal.peers > 1 ? 's' : ''}`
            + `${ideal.seeded ? ` (the WAN seed, at ${duration(ideal.t)})` : ''}, up to ${ideal.ceiling}; `
            + 'the round time is the average time per doubling observed so far.';
    figure.append(el('figcaption', {class: 'chart-legend'}, [
      el('span', {class: 'legend-line actual'}, ''), `Peers (${subnet.peers} now)`, el('br', {}, ''),
      el('span', {class: 'legend-line ideal'}, ''), el('span', {class: 'ideal-text'}, idealText),
    ]));
    return figure;
  }

  /* The ideal, round by round: the peers double at the end of each round until every eligible device is one. */
  function idealPath(ideal, tMax, x, y) {
    const points = [[ideal.t, ideal.peers]];
    for (let round = 1; points[points.length - 1][1] < ideal.ceiling; round++) {
      const t = ideal.t + round * ideal.roundSeconds;
      if (t > tMax) {
        break;
      }
      points.push([t, Math.min(ideal.ceiling, ideal.peers * 2 ** round)]);
    }
    points.push([tMax, points[points.length - 1][1]]);
    return stepPath(points, x, y);
  }

  /* A step line: each value holds until the next point. */
  function stepPath(points, x, y) {
    return points.map(([t, value], i) => (i === 0 ? `M${x(t)},${y(value)}`
        : `H${x(t)}V${y(value)}`)).join('');
  }

  /* Up to about five round ticks from 0 to max. */
  function ticks(max) {
    const raw = max / 4;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) || raw;
    const result = [];
    for (let value = 0; value <= max + 1e-9; value += step) {
      result.push(Math.round(value * 100) / 100);
    }
    return result;
  }

  // ---- actions ----

  async function act(button) {
    const id = selectedId;
    const action = button.dataset.label;
    notices.set(id, {kind: 'info', text: `${action}: sending…`});
    scheduleRender();
    try {
      const response = await fetch(`api/rollouts/${encodeURIComponent(id)}/${button.dataset.action}`, {
        method: 'POST', headers: authorized({Accept: 'application/json, application/problem+json, */*;q=0.5'}),
      });
      notices.set(id, response.ok
          ? {kind: 'ok', text: `${action}: accepted.`}
          : {kind: 'error', text: `${action} failed: ${await problemDetail(response)}`});
    } catch (error) {
      notices.set(id, {kind: 'error', text: `${action} failed: rollout-service is not reachable (${error.message}).`});
    }
    scheduleRender();
  }

  /* The RFC 9457 detail of an error response, with the status; the status alone when there is no problem body. */
  async function problemDetail(response) {
    const statusLine = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if ((response.headers.get('Content-Type') || '').includes('json')) {
      try {
        const problem = await response.json();
        const text = problem.detail || problem.title;
        if (text) {
          return `${text} (${statusLine})`;
        }
      } catch (ignored) {
        // not JSON after all: the status says enough
      }
    }
    return statusLine;
  }

  // ---- helpers ----

  function el(tag, attributes, children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== '' && value != null) {
        element.setAttribute(name, value);
      }
    }
    element.append(...[].concat(children).filter((child) => child !== ''));
    return element;
  }

  function svgEl(tag, attributes) {
    const element = document.createElementNS(SVG_NS, tag);
    Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
    return element;
  }

  function svgText(x, y, text, anchor) {
    const element = svgEl('text', {x, y, 'text-anchor': anchor, class: 'tick'});
    element.textContent = text;
    return element;
  }

  function stateBadge(state) {
    return el('span', {class: `badge state-${state}`}, label(state));
  }

  function label(state) {
    return state.replaceAll('_', ' ');
  }

  function count(counts, state) {
    return counts[state] || 0;
  }

  function total(counts) {
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  function elapsedSeconds(status) {
    const end = status.finishedAt || status.publishedAt;
    return Math.max(0, (Date.parse(end) - Date.parse(status.startedAt)) / 1000);
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
  }

  function duration(seconds) {
    if (seconds < 60) {
      return `${Math.round(seconds * 10) / 10} s`;
    }
    const whole = Math.round(seconds);
    const minutes = Math.floor(whole / 60);
    return whole % 60 ? `${minutes}m ${whole % 60}s` : `${minutes}m`;
  }

  function clock(instant) {
    return new Date(instant).toLocaleTimeString([], {hour12: false});
  }

  // ---- start ----

  document.querySelectorAll('.actions button').forEach((button) => button.addEventListener('click', () => act(button)));
  document.querySelector('#action-notice .notice-close').addEventListener('click', () => {
    notices.delete(selectedId);
    scheduleRender();
  });
  window.addEventListener('hashchange', () => {
    if (takeTokenFromLink()) {
      connect();
    }
    scheduleRender();
  });
  takeTokenFromLink();
  connect();
})();
