/*
 * The fleet view. One stream (GET /api/rollouts/stream) carries what the page shows and nothing more: the list
 * of rollouts and, for the selected rollout, its summary, its ratio to the ideal, the growth chart, the page of
 * subnets that the table's sort, filters and pager select, and the subnet in detail. The server sorts, filters
 * and pages; when the table's view changes the page opens the stream again with the new view. Each frame holds
 * only what changed. The address keeps the selection (#rollout=…&subnet=…).
 */
(() => {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const PAGE_SIZE = 25;
  const DEVICE_PAGE = 20;
  /* The subnet's devices are read again when its record changed, at most this often: a query per browser. */
  const DEVICE_REFRESH_MS = 5000;
  const TOKEN_KEY = 'peerlift.token';
  /* How the reason for the rollout's state is shown: a warning only where it asks for the admin's attention. */
  const REASON_KINDS = {PAUSED: 'warn', PAUSED_ON_ERRORS: 'error', CANCELLED: 'warn', COMPLETED: 'ok',
    WAITING_FOR_APPROVAL: 'warn', APPROVAL_DENIED: 'error'};

  const state = {rollouts: [], summary: null, ideal: null, growth: null, page: null, rows: new Map(), detail: null};
  const table = {sort: null, dir: null, state: '', stalled: false, failed: false, q: '', minRatio: '', offset: 0};
  /* The shown page of the subnet's devices, loaded for the subnet's status version (reloaded when it changes). */
  const devices = {subnet: null, version: null, loading: false, loadedAt: 0, refresh: null, cursors: [null], index: 0,
    list: [], more: false, error: null};
  const notices = new Map();
  /* What the stream delivered, for tests and the curious: bytes of the response body, frames, the largest. */
  const received = window.peerliftStream = {bytes: 0, frames: 0, largestFrame: 0};

  // ---- the address ----

  function hashParams() {
    return new URLSearchParams(location.hash.slice(1));
  }

  function selected() {
    const params = hashParams();
    return {rollout: params.get('rollout'), subnet: params.get('subnet')};
  }

  function select(changes) {
    const params = hashParams();
    Object.entries(changes).forEach(([name, value]) => value == null ? params.delete(name) : params.set(name, value));
    location.hash = params.toString();
  }

  // ---- the token ----

  /*
   * Every API call carries a bearer token: a viewer's reads the stream, an operator's also steers rollouts. It comes
   * in the link's fragment (#token=..., which never reaches a server or a log), moves to this tab's session storage,
   * and leaves the address bar at once.
   */
  function takeTokenFromLink() {
    const params = hashParams();
    const token = params.get('token');
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      params.delete('token');
      history.replaceState(null, '', location.pathname + location.search + (params.toString() ? `#${params}` : ''));
    }
    return Boolean(token);
  }

  function headers(accept) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? {Accept: accept, Authorization: `Bearer ${token}`} : {Accept: accept};
  }

  // ---- the stream ----

  let stream = null;
  let streamKey = null;
  let failures = 0;

  function streamUrl() {
    const {rollout, subnet} = selected();
    const query = new URLSearchParams();
    if (rollout) {
      query.set('rollout', rollout);
      Object.entries({sort: table.sort, dir: table.dir, state: table.state, q: table.q, minRatio: table.minRatio})
          .forEach(([name, value]) => value && query.set(name, value));
      if (table.stalled) query.set('stalled', 'true');
      if (table.failed) query.set('failed', 'true');
      query.set('offset', table.offset);
      query.set('limit', PAGE_SIZE);
      if (subnet) query.set('subnet', subnet);
    }
    return `api/rollouts/stream?${query}`;
  }

  /* Opens the stream for the current view, unless it is open already (or {@code again}: a new token). */
  function follow(again) {
    const url = streamUrl();
    if (url === streamKey && stream && !again) {
      return;
    }
    if (stream) {
      stream.abort();
    }
    streamKey = url;
    stream = new AbortController();
    read(url, stream);
  }

  async function read(url, controller) {
    try {
      const response = await fetch(url, {headers: headers('text/event-stream'), signal: controller.signal, cache: 'no-store'});
      if (!response.ok) {
        const refused = response.status === 401 || response.status === 403;
        setConnection('down', refused && !sessionStorage.getItem(TOKEN_KEY)
            ? 'No token: open the link with #token=… that bin/demo printed (var/demo/viewer.token).'
            : `Stream refused: ${await problemDetail(response)}`);
        if (refused) {
          return; // the same token gets the same answer: wait for a new link
        }
        throw new Error(`HTTP ${response.status}`);
      }
      setConnection('live', 'Live');
      failures = 0;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) {
          break;
        }
        received.bytes += value.length;
        buffer += decoder.decode(value, {stream: true}).replaceAll('\r', '');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer.slice(0, end).split('\n').filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).replace(/^ /, '')).join('\n');
          buffer = buffer.slice(end + 2);
          if (data) {
            received.frames++;
            received.largestFrame = Math.max(received.largestFrame, data.length);
            accept(JSON.parse(data));
          }
        }
      }
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
    }
    if (controller.signal.aborted || controller !== stream) {
      return;
    }
    failures = Math.min(failures + 1, 5);
    if (document.getElementById('connection').dataset.state !== 'down') {
      setConnection('down', 'Disconnected, reconnecting…');
    }
    setTimeout(() => {
      if (controller === stream) {
        stream = null;
        follow();
      }
    }, failures * 1000);
  }

  function accept(frame) {
    if (frame.rollouts) state.rollouts = frame.rollouts;
    if (frame.summary) state.summary = frame.summary;
    if (frame.ideal) state.ideal = frame.ideal;
    if (frame.growth) state.growth = frame.growth;
    if (frame.page) state.page = frame.page;
    if (frame.rows) frame.rows.forEach((row) => state.rows.set(row.subnet, row));
    if (frame.detail) state.detail = frame.detail;
    if (frame.forgotten && state.summary && state.summary.rolloutId === frame.forgotten) {
      // archived: the board forgot it, and so does the page
      Object.assign(state, {summary: null, ideal: null, growth: null, page: null, detail: null});
      state.rows.clear();
    }
    document.getElementById('last-update').textContent = `Last update ${clock(Date.now())}.`;
    scheduleRender();
  }

  function setConnection(kind, text) {
    const element = document.getElementById('connection');
    element.dataset.state = kind;
    element.textContent = text;
  }

  // ---- rendering ----

  let renderPending = false;

  function scheduleRender() {
    if (!renderPending) {
      renderPending = true;
      requestAnimationFrame(() => {
        renderPending = false;
        render();
      });
    }
  }

  function render() {
    const {rollout, subnet} = selected();
    renderRollouts(rollout);
    const shown = rollout && state.summary && state.summary.rolloutId === rollout;
    document.getElementById('rollout').hidden = !shown;
    document.getElementById('subnet').hidden = !(shown && subnet && state.detail && state.detail.row.subnet === subnet);
    if (!shown) {
      return;
    }
    renderRollout();
    renderTable();
    if (!document.getElementById('subnet').hidden) {
      renderDetail();
    }
    if (state.page && !document.body.dataset.renderedMs) {
      // navigation start to the first complete picture of the rollout, for the render-time test
      document.body.dataset.renderedMs = String(Math.round(performance.now()));
    }
  }

  function renderRollouts(selectedId) {
    const body = document.querySelector('#rollouts tbody');
    body.replaceChildren(...state.rollouts.map((r) => {
      const row = el('tr', {'data-rollout-id': r.rolloutId, tabindex: 0, class: r.rolloutId === selectedId ? 'selected' : ''}, [
        el('td', {}, `${r.app} ${r.targetVersion}`),
        el('td', {}, stateBadge(r.state)),
        el('td', {class: 'num'}, number(r.subnets)),
        el('td', {class: 'num'}, number(r.devices)),
        el('td', {class: 'num'}, number(r.upgraded)),
        el('td', {class: 'num'}, number(r.failed)),
        el('td', {}, r.createdAt ? clock(r.createdAt) : '–'),
      ]);
      const open = () => selectRollout(r.rolloutId);
      row.addEventListener('click', open);
      row.addEventListener('keydown', (event) => event.key === 'Enter' && open());
      return row;
    }));
    document.getElementById('no-rollouts').hidden = state.rollouts.length > 0;
  }

  function selectRollout(id) {
    if (id === selected().rollout) {
      return;
    }
    Object.assign(state, {summary: null, ideal: null, growth: null, page: null, detail: null});
    state.rows.clear();
    table.offset = 0;
    select({rollout: id, subnet: null});
  }

  function renderRollout() {
    const s = state.summary;
    const ideal = state.ideal || {};
    const section = document.getElementById('rollout');
    section.dataset.rolloutId = s.rolloutId;
    document.getElementById('rollout-title').textContent = `${s.app} ${s.targetVersion}`;
    document.getElementById('rollout-meta').textContent =
        `${s.rolloutId} · folder ${s.folderId} · ${label(s.sourcePolicy)}` + (s.startedAt ? ` · started ${clock(s.startedAt)}` : '');
    const badge = document.getElementById('rollout-state');
    badge.className = `badge state-${s.state}`;
    badge.textContent = label(s.state);
    const reason = document.getElementById('rollout-reason');
    reason.className = `notice ${REASON_KINDS[s.state] || 'info'}`;
    reason.hidden = !s.stateReason;
    reason.textContent = s.stateReason || '';
    const notice = notices.get(s.rolloutId);
    const sending = notice && notice.kind === 'info';
    document.getElementById('pause').disabled = sending || s.state !== 'RUNNING';
    document.getElementById('resume').disabled = sending || !['PAUSED', 'PAUSED_ON_ERRORS'].includes(s.state);
    document.getElementById('cancel').disabled = sending || ['COMPLETED', 'CANCELLED', 'APPROVAL_DENIED'].includes(s.state);
    renderNotice(s.rolloutId);

    const counts = s.deviceCounts;
    const all = total(counts);
    const target = all - count(counts, 'INELIGIBLE') - count(counts, 'CURRENT');
    const tiles = [
      tile('Upgraded', `${number(count(counts, 'UPGRADED'))} of ${number(target)}`),
      tile('Failed', number(count(counts, 'FAILED')), count(counts, 'FAILED') ? 'bad' : ''),
      tile('Subnets', number(s.subnets)),
      tile('Stalled subnets', number(ideal.stalledSubnets || 0), ideal.stalledSubnets ? 'bad' : ''),
      tile('Ratio to ideal', ratioText(ideal.ratio), ratioKind(ideal.ratio)),
      tile('Elapsed / ideal', `${ideal.elapsedSeconds == null ? '–' : duration(ideal.elapsedSeconds)} / `
          + `${ideal.idealSeconds == null ? '–' : duration(ideal.idealSeconds)}`),
      tile('Round (median)', ideal.roundMillis == null ? '–' : duration(ideal.roundMillis / 1000)),
      tile('WAN', `${bytes(s.wanBytes)}${s.packageBytes ? ` · ${(s.wanBytes / s.packageBytes).toFixed(2)}× package` : ''}`),
      tile('From peers', bytes(s.peerBytes)),
    ];
    if (s.distribution === 'SWARM') {
      tiles.splice(5, 0, tile('× T*', ratioText(ideal.swarmRatio), ratioKind(ideal.swarmRatio)),
          tile('T* + install + reboot', ideal.swarmIdealSeconds == null ? 'no upload capacity reported yet'
              : duration(ideal.swarmIdealSeconds)));
    }
    document.getElementById('subnets').classList.toggle('swarm', s.distribution === 'SWARM');
    document.getElementById('rollout-tiles').replaceChildren(...tiles);

    const growth = state.growth;
    if (growth) {
      chart(document.getElementById('growth-chart'), [
        {points: growth.ideal, cls: 'ideal', name: 'ideal'},
        {points: growth.measured, cls: 'measured', name: 'measured'},
      ], Math.max(growth.target, 1), 'devices upgraded');
      const last = growth.measured.length ? growth.measured[growth.measured.length - 1][1] : 0;
      document.getElementById('growth-caption').textContent = `Devices upgraded over time (solid) against the ideal `
          + `(dashed): every subnet spreading from its start as fast as its peers allow, a round being the median `
          + `transfer + install + reboot its devices measured. ${number(last)} of ${number(growth.target)} now.`;
    }
  }

  function tile(name, value, kind) {
    return el('div', {class: `tile ${kind || ''}`, 'data-tile': name}, [
      el('div', {class: 'tile-value'}, value), el('div', {class: 'tile-name'}, name)]);
  }

  function renderTable() {
    const page = state.page;
    const body = document.querySelector('#subnets tbody');
    if (!page) {
      return;
    }
    const current = selected().subnet;
    body.replaceChildren(...page.subnets.map((subnet) => state.rows.get(subnet)).filter(Boolean).map((row) => {
      const tr = el('tr', {'data-subnet': row.subnet, tabindex: 0, class: row.subnet === current ? 'selected' : ''}, [
        el('td', {'data-col': 'subnet'}, row.subnet),
        el('td', {'data-col': 'state', title: row.waiting ? `Waiting: ${row.waiting}` : ''}, stateBadge(row.state)),
        el('td', {'data-col': 'upgraded'}, upgradedCell(row)),
        el('td', {'data-col': 'peers', class: 'num'}, number(row.peers)),
        el('td', {'data-col': 'rounds', class: 'num'}, `${row.rounds} / ${row.idealRounds}`),
        el('td', {'data-col': 'ideal', class: 'num', title: row.roundMillis == null ? ''
              : `${row.idealRounds} rounds × ${duration(row.roundMillis / 1000)}${row.roundMeasuredHere ? '' : ' (the rollout\'s median round)'}`},
            row.idealSeconds == null ? '–' : duration(row.idealSeconds)),
        el('td', {'data-col': 'elapsed', class: 'num'}, row.elapsedSeconds == null ? '–' : duration(row.elapsedSeconds)),
        el('td', {'data-col': 'ratio', class: `num ${ratioKind(row.ratio)}`}, ratioText(row.ratio)),
        el('td', {'data-col': 'swarm-ratio', class: `num ${ratioKind(row.swarmRatio)}`, title: row.swarmIdealSeconds == null
              ? 'no T*: no upload capacity or install and reboot measured yet'
              : `T* ${duration(row.swarmBoundSeconds)} + install + reboot = ${duration(row.swarmIdealSeconds)}`},
            ratioText(row.swarmRatio)),
        el('td', {'data-col': 'stalled'}, row.stalledSince ? `${clock(row.stalledSince)}` : '–'),
        el('td', {'data-col': 'failures', class: 'num'}, row.failed || row.failedAttempts
            ? `${row.failed} (${row.failedAttempts} attempts)` : '0'),
        el('td', {'data-col': 'wan', class: 'num'}, bytes(row.wanBytes)),
      ]);
      const open = () => select({subnet: row.subnet});
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (event) => event.key === 'Enter' && open());
      return tr;
    }));
    document.querySelectorAll('#subnets th[data-sort]').forEach((th) => {
      th.setAttribute('aria-sort', th.dataset.sort === page.sort ? (page.dir === 'desc' ? 'descending' : 'ascending') : 'none');
    });
    const first = page.total === 0 ? 0 : page.offset + 1;
    document.getElementById('page-info').textContent =
        `${number(first)}–${number(page.offset + page.subnets.length)} of ${number(page.total)} subnets`;
    document.getElementById('page-prev').disabled = page.offset === 0;
    document.getElementById('page-next').disabled = page.offset + page.subnets.length >= page.total;
  }

  function upgradedCell(row) {
    const done = row.upgraded + row.current;
    const share = row.eligible ? done / row.eligible : 1;
    return el('div', {class: 'upgraded'}, [
      el('span', {}, `${number(row.upgraded)} / ${number(row.eligible - row.current)}`),
      el('span', {class: 'minibar', role: 'progressbar', 'aria-valuenow': done, 'aria-valuemax': row.eligible},
          el('span', {style: `width:${(share * 100).toFixed(1)}%`}, '')),
    ]);
  }

  function renderDetail() {
    const d = state.detail;
    const row = d.row;
    document.getElementById('subnet').dataset.subnet = row.subnet;
    document.getElementById('subnet-title').textContent = `Subnet ${row.subnet}`;
    const badge = document.getElementById('subnet-state');
    badge.className = `badge state-${row.state}`;
    badge.textContent = label(row.state);
    const facts = [
      ['devices', 'Devices', `${number(row.devices)} (${number(row.eligible)} eligible, ${number(row.current)} already on target)`],
      ['upgraded', 'Upgraded', `${number(row.upgraded)} · ${number(row.inProgress)} in progress · ${number(row.failed)} failed`],
      ['peers', 'Peers', `${number(row.peers)} (from ${d.initialPeers}), ${d.peerSlots} upload slots, `
          + `${number(d.httpsPeers)} over HTTPS`],
      ['rounds', 'Rounds', `${row.rounds} so far, the ideal needs ${row.idealRounds} at ${row.slotsPerPeer} per peer`],
      ['medians', 'Medians', `transfer ${millis(d.medianTransferMillis)} · install ${millis(d.medianInstallMillis)} · reboot ${millis(d.medianRebootMillis)}`],
      ['ideal', 'Ideal', row.idealSeconds == null ? 'not measured yet'
          : `${row.idealRounds} × ${duration(row.roundMillis / 1000)} = ${duration(row.idealSeconds)}`
          + (row.roundMeasuredHere ? '' : ' (the rollout\'s median round: this subnet measured none yet)')],
      ['ratio', 'Ratio to ideal', `${ratioText(row.ratio)}${row.elapsedSeconds == null ? '' : ` after ${duration(row.elapsedSeconds)}`}`],
      ...(state.summary && state.summary.distribution === 'SWARM' ? [['swarm', '× T*', row.swarmIdealSeconds == null
          ? 'no upload capacity reported yet'
          : `${ratioText(row.swarmRatio)}: T* ${duration(row.swarmBoundSeconds)} + install + reboot = `
          + `${duration(row.swarmIdealSeconds)}`]] : []),
      ['stalled', 'Stalled since', row.stalledSince ? clock(row.stalledSince) : '–'],
      ['bytes', 'Bytes', `WAN ${bytes(row.wanBytes)} · peers ${bytes(row.peerBytes)}`],
    ];
    document.getElementById('subnet-facts').replaceChildren(...facts.flatMap(([key, name, value]) => [
      el('dt', {'data-fact': key}, name), el('dd', {'data-fact': key}, value)]));
    const waiting = document.getElementById('subnet-waiting');
    waiting.hidden = !row.waiting;
    waiting.textContent = row.waiting ? `Waiting: ${row.waiting}` : '';
    chart(document.getElementById('subnet-chart'), [
      {points: d.idealPeers, cls: 'ideal', name: 'ideal'},
      {points: d.peers, cls: 'measured', name: 'measured'},
    ], Math.max(row.eligible, 1), 'peers');
    document.getElementById('subnet-caption').textContent = 'Peers over time (solid) against the ideal spread from '
        + 'the subnet\'s start (dashed), in seconds since the rollout started.';
    renderDevices(row.subnet, row.version);
  }

  // ---- the devices of the subnet in detail, a page at a time ----

  function renderDevices(subnet, version) {
    if (devices.subnet !== subnet) {
      Object.assign(devices, {subnet, version, cursors: [null], index: 0, list: [], more: false, error: null});
      loadDevices();
      return;
    }
    if (devices.version !== version && !devices.loading) {
      // The subnet's record changed, so did some of its devices: the same page again, once the last read is old.
      const wait = devices.loadedAt + DEVICE_REFRESH_MS - Date.now();
      if (wait <= 0) {
        devices.version = version;
        loadDevices();
      } else if (!devices.refresh) {
        devices.refresh = setTimeout(() => {
          devices.refresh = null;
          scheduleRender();
        }, wait);
      }
    }
    document.querySelector('#devices tbody').replaceChildren(...devices.list.map((d) => el('tr', {'data-device-id': d.deviceId}, [
      el('td', {}, d.deviceId), el('td', {}, stateBadge(d.state)), el('td', {}, d.source ? label(d.source) : '–'),
      el('td', {class: 'num'}, String(d.round)), el('td', {class: 'num'}, String(d.attempts)),
      el('td', {class: 'num'}, millis(d.transferMillis)), el('td', {class: 'num'}, millis(d.installMillis)),
      el('td', {class: 'num'}, millis(d.rebootMillis)), el('td', {'data-col': 'https'}, httpsCell(d)),
      el('td', {}, d.failureReason || ''),
    ])));
    document.getElementById('devices-info').textContent = devices.error
        || `devices ${devices.index * DEVICE_PAGE + (devices.list.length ? 1 : 0)}–${devices.index * DEVICE_PAGE + devices.list.length}`;
    document.getElementById('devices-prev').disabled = devices.index === 0;
    document.getElementById('devices-next').disabled = !devices.more;
  }

  // The device's HTTPS peer server: its port, why it is down although enabled, or off (– while it serves nothing).
  function httpsCell(d) {
    if (!d.peerServerRunning) return '–';
    if (d.peerServerHttpsPort > 0) return `port ${d.peerServerHttpsPort}`;
    return d.peerServerHttpsDown ? `down: ${d.peerServerHttpsDown}` : 'off';
  }

  async function loadDevices() {
    const {rollout} = selected();
    const subnet = devices.subnet;
    const query = new URLSearchParams({subnet, limit: DEVICE_PAGE + 1});
    const after = devices.cursors[devices.index];
    if (after) query.set('after', after);
    devices.loading = true;
    devices.loadedAt = Date.now();
    try {
      const response = await fetch(`api/rollouts/${encodeURIComponent(rollout)}/devices?${query}`,
          {headers: headers('application/json, application/problem+json')});
      if (devices.subnet !== subnet) return;
      if (!response.ok) {
        devices.error = `Devices: ${await problemDetail(response)}`;
      } else {
        const page = await response.json();
        devices.more = page.length > DEVICE_PAGE;
        devices.list = page.slice(0, DEVICE_PAGE);
        devices.cursors[devices.index + 1] = devices.list.length ? devices.list[devices.list.length - 1].deviceId : null;
        devices.error = null;
      }
    } catch (error) {
      devices.error = `Devices: rollout-service is not reachable (${error.message}).`;
    } finally {
      devices.loading = false;
    }
    scheduleRender();
  }

  // ---- charts: hand-drawn SVG, two step lines on one axis ----

  function chart(container, series, yMax, yName) {
    const width = 880;
    const height = 220;
    const pad = {left: 48, right: 12, top: 10, bottom: 28};
    const xMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[0])));
    const x = (t) => pad.left + (t / xMax) * (width - pad.left - pad.right);
    const y = (v) => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);
    const svg = svgEl('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${yName} over time`});
    for (const v of ticks(yMax)) {
      svg.append(svgEl('line', {x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid'}),
          svgText(pad.left - 6, y(v) + 4, number(v), 'end'));
    }
    for (const t of ticks(xMax)) {
      svg.append(svgText(x(t), height - 8, duration(t), 'middle'));
    }
    for (const s of series) {
      if (s.points.length) {
        svg.append(svgEl('path', {d: stepPath(s.points, x, y), class: `line ${s.cls}`, 'data-series': s.name}));
      }
    }
    container.replaceChildren(svg);
  }

  function stepPath(points, x, y) {
    return points.map(([t, v], i) => i === 0 ? `M${x(t).toFixed(1)},${y(v).toFixed(1)}`
        : `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`).join('');
  }

  function ticks(max) {
    const step = Math.pow(10, Math.floor(Math.log10(max / 4 || 1)));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => max / s <= 5) || step * 10;
    const result = [];
    for (let v = 0; v <= max + 1e-9; v += nice) {
      result.push(Math.round(v * 1000) / 1000);
    }
    return result;
  }

  // ---- actions ----

  async function act(button) {
    const id = selected().rollout;
    const action = button.dataset.label;
    notices.set(id, {kind: 'info', text: `${action}: sending…`});
    scheduleRender();
    try {
      const response = await fetch(`api/rollouts/${encodeURIComponent(id)}/${button.dataset.action}`, {
        method: 'POST', headers: headers('application/json, application/problem+json, */*;q=0.5'),
      });
      notices.set(id, response.ok
          ? {kind: 'ok', text: `${action}: accepted.`}
          : {kind: 'error', text: `${action} failed: ${await problemDetail(response)}`});
    } catch (error) {
      notices.set(id, {kind: 'error', text: `${action} failed: rollout-service is not reachable (${error.message}).`});
    }
    scheduleRender();
  }

  function renderNotice(id) {
    const notice = notices.get(id);
    const element = document.getElementById('action-notice');
    element.hidden = !notice;
    if (notice) {
      element.className = `notice ${notice.kind}`;
      element.querySelector('.notice-text').textContent = notice.text;
    }
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

  function stateBadge(value) {
    return el('span', {class: `badge state-${value}`}, label(value));
  }

  function label(value) {
    return String(value).replaceAll('_', ' ');
  }

  function count(counts, name) {
    return counts[name] || 0;
  }

  function total(counts) {
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  function ratioText(ratio) {
    return ratio == null ? '–' : `${ratio.toFixed(2)}×`;
  }

  function ratioKind(ratio) {
    return ratio == null ? '' : ratio >= 2 ? 'bad' : ratio >= 1.25 ? 'warn' : 'good';
  }

  function number(n) {
    return Number(n).toLocaleString('en-US');
  }

  function millis(ms) {
    return ms == null ? '–' : duration(ms / 1000);
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

  let filterTimer = null;
  function filter(event) {
    const form = event.currentTarget;
    Object.assign(table, {
      state: form.elements.state.value, stalled: form.elements.stalled.checked, failed: form.elements.failed.checked,
      q: form.elements.q.value.trim(), minRatio: form.elements.minRatio.value, offset: 0,
    });
    clearTimeout(filterTimer);
    filterTimer = setTimeout(follow, 250);
  }
  // typing fires input; a select's choice fires change (and, in most browsers but not every driver, input too)
  document.getElementById('filters').addEventListener('input', filter);
  document.getElementById('filters').addEventListener('change', filter);
  document.getElementById('filters').addEventListener('submit', (event) => event.preventDefault());
  document.querySelectorAll('#subnets th[data-sort]').forEach((th) => th.addEventListener('click', () => {
    const shown = state.page && state.page.sort === th.dataset.sort;
    table.sort = th.dataset.sort;
    table.dir = shown ? (state.page.dir === 'desc' ? 'asc' : 'desc') : null;
    table.offset = 0;
    follow();
  }));
  document.getElementById('page-prev').addEventListener('click', () => {
    table.offset = Math.max(0, table.offset - PAGE_SIZE);
    follow();
  });
  document.getElementById('page-next').addEventListener('click', () => {
    table.offset += PAGE_SIZE;
    follow();
  });
  document.getElementById('devices-prev').addEventListener('click', () => {
    devices.index = Math.max(0, devices.index - 1);
    loadDevices();
  });
  document.getElementById('devices-next').addEventListener('click', () => {
    devices.index++;
    loadDevices();
  });
  document.getElementById('subnet-close').addEventListener('click', () => select({subnet: null}));
  document.querySelectorAll('.actions button').forEach((button) => button.addEventListener('click', () => act(button)));
  document.querySelector('#action-notice .notice-close').addEventListener('click', () => {
    notices.delete(selected().rollout);
    scheduleRender();
  });
  window.addEventListener('hashchange', () => {
    const newToken = takeTokenFromLink();
    if (!selected().subnet) {
      state.detail = null;
    }
    follow(newToken);
    scheduleRender();
  });
  takeTokenFromLink();
  follow();
})();
