/* SPDX-License-Identifier: MIT
 * www/static/demo.js - the demo page (demo.html).  It sends the texts typed
 * in the boxes to POST <base>/predict and draws each answer as a tag and a
 * bar per class; it loads GET <base>/performance and GET <base>/args once
 * and shows them as a table, a bar chart and a list.  <base> is the mount
 * prefix the server wrote into <body data-base>.  Errors from the API (422
 * validation details, 413, 415, 5xx) and network failures are turned into
 * plain sentences.  Text from the user or the server is only ever inserted
 * with textContent, never as HTML.
 */
(function () {
	'use strict';

	var EXAMPLES = [
		'Transfer learning with transformers for text classification.',
		'Generative adversarial networks in both PyTorch and TensorFlow.',
		'Serving and monitoring machine learning models in production with Kubernetes.'
	];
	/* Tags the bundled model knows, with names a person would write. */
	var TAG_NAMES = {
		'computer-vision': 'Computer vision',
		'mlops': 'MLOps',
		'natural-language-processing': 'Natural language processing',
		'other': 'Other'
	};
	var TAG_COLORS = {
		'computer-vision': '#2563eb',
		'mlops': '#059669',
		'natural-language-processing': '#7c3aed',
		'other': '#6b7280'
	};
	var SPARE_COLORS = ['#d97706', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
	var ARG_NAMES = {
		shuffle: 'Shuffle the data',
		subset: 'Use only a subset',
		min_freq: 'Minimum projects per tag',
		lower: 'Lower-case the text',
		stem: 'Reduce words to their stem',
		analyzer: 'Text features',
		ngram_max_range: 'Longest letter group (n-gram)',
		alpha: 'Regularisation (alpha)',
		learning_rate: 'Learning rate',
		power_t: 'Learning-rate decay (power_t)',
		num_epochs: 'Training rounds (epochs)',
		threshold: 'Confidence needed for a specific tag'
	};
	/* Slices the trainer reports (core/metrics.c), in plain words. */
	var SLICE_NAMES = {
		nlp_cnn: 'Language projects built on convolutional networks (CNN)',
		short_text: 'Short descriptions (fewer than 8 words)'
	};
	var MAX_SHOWN_TEXT = 280;

	var base = document.body.getAttribute('data-base') || '';
	var threshold = null;

	/* The page opened straight from disk still has the placeholder. */
	if (base.indexOf('@') === 0)
		base = '';

	function $(id) {
		return document.getElementById(id);
	}

	function el(tag, className, text) {
		var node = document.createElement(tag);

		if (className)
			node.className = className;
		if (text !== undefined && text !== null)
			node.textContent = String(text);
		return node;
	}

	function tagName(tag) {
		var s;

		if (Object.prototype.hasOwnProperty.call(TAG_NAMES, tag))
			return TAG_NAMES[tag];
		s = String(tag).replace(/[-_]+/g, ' ');
		return s.charAt(0).toUpperCase() + s.slice(1);
	}

	function tagColor(tag) {
		var h = 0, i;

		if (Object.prototype.hasOwnProperty.call(TAG_COLORS, tag))
			return TAG_COLORS[tag];
		for (i = 0; i < tag.length; i++)
			h = (h * 31 + tag.charCodeAt(i)) >>> 0;
		return SPARE_COLORS[h % SPARE_COLORS.length];
	}

	function percent(x) {
		return (Number(x) * 100).toFixed(1) + '%';
	}

	function clamp01(x) {
		x = Number(x);
		if (!isFinite(x) || x < 0)
			return 0;
		return x > 1 ? 1 : x;
	}

	/* One labelled horizontal bar: name, track with a fill, value. */
	function barRow(name, value, color, className) {
		var row = el('li', 'bar-row' + (className ? ' ' + className : ''));
		var track = el('span', 'bar-track');
		var fill = el('span', 'bar-fill');

		row.appendChild(el('span', 'bar-name', name));
		fill.style.display = 'block';
		fill.style.width = (clamp01(value) * 100).toFixed(2) + '%';
		if (color.charAt(0) === '#')
			fill.style.background = color;
		else
			fill.className += ' ' + color;
		track.appendChild(fill);
		row.appendChild(track);
		row.appendChild(el('span', 'bar-value', percent(value)));
		return row;
	}

	/* Fetch JSON from the API; resolves to {status, body} (body null if the
	 * answer was not JSON), rejects only when the server was not reached. */
	function api(path, options) {
		return fetch(base + path, options).then(function (response) {
			return response.text().then(function (text) {
				var body = null;

				try {
					body = JSON.parse(text);
				} catch (e) {
					body = null;
				}
				return { status: response.status, body: body };
			});
		});
	}

	/* ---- the text boxes ---- */

	function renumber() {
		var rows = $('texts').querySelectorAll('.text-row');
		var i;

		for (i = 0; i < rows.length; i++) {
			rows[i].querySelector('.text-title').textContent =
				rows.length > 1 ? 'Project ' + (i + 1) : 'Project';
			rows[i].querySelector('.remove').hidden = rows.length < 2;
		}
	}

	function addBox(text) {
		var row = $('text-template').content.firstElementChild.cloneNode(true);

		row.querySelector('textarea').value = text || '';
		row.querySelector('textarea').addEventListener('keydown', function (e) {
			if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
				e.preventDefault();
				$('submit').click();
			}
		});
		row.querySelector('.remove').addEventListener('click', function () {
			row.parentNode.removeChild(row);
			renumber();
		});
		$('texts').appendChild(row);
		renumber();
		return row.querySelector('textarea');
	}

	function setBoxes(texts) {
		$('texts').textContent = '';
		if (texts.length === 0)
			texts = [''];
		texts.forEach(function (t) {
			addBox(t);
		});
	}

	/* The texts to send: blank boxes and blank lines are left out, so an
	 * empty form sends an empty list and the API's own message explains. */
	function collectTexts() {
		var split = $('split-lines').checked;
		var out = [];

		Array.prototype.forEach.call($('texts').querySelectorAll('textarea'),
			function (box) {
				var parts = split ? box.value.split(/\r?\n/) : [box.value];

				parts.forEach(function (p) {
					if (p.trim() !== '')
						out.push(p.trim());
				});
			});
		return out;
	}

	/* ---- errors in plain words ---- */

	function describeDetail(item) {
		var loc = Array.isArray(item.loc) ? item.loc : [];
		var type = String(item.type || '');
		var msg = String(item.msg || '');
		var idx = loc.length >= 3 && loc[loc.length - 3] === 'texts' ?
			Number(loc[loc.length - 2]) : -1;
		var which = idx >= 0 ? 'Project ' + (idx + 1) : 'A project';

		if (loc[loc.length - 1] === 'texts' && /empty/i.test(msg))
			return 'Please enter at least one description.';
		if (type.indexOf('min_length') >= 0 || type.indexOf('too_short') >= 0)
			return which + ' is empty. Please write a description or remove it.';
		if (type.indexOf('missing') >= 0 && loc[loc.length - 1] === 'texts')
			return 'Please enter at least one description.';
		if (type.indexOf('missing') >= 0)
			return which + ' has no text. Please write a description or remove it.';
		if (type.indexOf('jsondecode') >= 0 || type.indexOf('json') >= 0)
			return 'The page sent something the server could not read. Please reload the page and try again.';
		if (type.indexOf('max_') >= 0 || /too (long|many)/i.test(msg))
			return (idx >= 0 ? which + ' is too long' : 'There are too many projects') +
				'. Please send less text at once.';
		return 'The server did not accept the input: ' + msg;
	}

	function describeError(status, body) {
		var out = [];

		if (status === 422 && body && Array.isArray(body.detail)) {
			body.detail.forEach(function (item) {
				var s = describeDetail(item || {});

				if (out.indexOf(s) < 0)
					out.push(s);
			});
			if (out.length)
				return out;
		}
		if (status === 413)
			return ['That is too much text at once. Please send fewer or shorter descriptions.'];
		if (status === 415 || status === 400 || status === 422)
			return ['The page sent something the server could not read. Please reload the page and try again.'];
		if (status === 404 || status === 405)
			return ['The tagging service was not found at this address.'];
		if (status === 429 || status === 503)
			return ['The server is busy. Please try again in a moment.'];
		if (status >= 500)
			return ['The server had a problem and could not tag these projects. Please try again in a moment.'];
		return ['Unexpected answer from the server (HTTP ' + status + ').'];
	}

	function showError(lines) {
		var box = $('error');

		box.textContent = '';
		lines.forEach(function (line) {
			box.appendChild(el('p', null, line));
		});
		box.hidden = false;
	}

	function clearError() {
		$('error').hidden = true;
		$('error').textContent = '';
	}

	/* ---- predictions ---- */

	function shortText(t) {
		t = String(t);
		return t.length > MAX_SHOWN_TEXT ? t.slice(0, MAX_SHOWN_TEXT - 1) + '\u2026' : t;
	}

	function renderPrediction(p) {
		var card = el('article', 'result');
		var tag = String(p.predicted_tag);
		var head = el('p', 'result-tag', 'Suggested tag: ');
		var badge = el('span', 'tag', tagName(tag));
		var probs = p.probabilities || {};
		var names = Object.keys(probs).sort(function (a, b) {
			return probs[b] - probs[a];
		});
		var list, best;

		card.setAttribute('data-tag', tag);
		card.appendChild(el('p', 'result-text', '\u201c' + shortText(p.input_text) + '\u201d'));
		badge.style.background = tagColor(tag);
		badge.title = tag;
		head.appendChild(badge);
		card.appendChild(head);
		if (names.length) {
			list = el('ul', 'bars');
			list.setAttribute('aria-label', 'Confidence per tag');
			names.forEach(function (name) {
				list.appendChild(barRow(tagName(name), probs[name], tagColor(name),
					name === tag ? 'winner' : ''));
			});
			card.appendChild(list);
			best = names[0];
			if (best !== tag && threshold !== null)
				card.appendChild(el('p', 'hint',
					'The best guess was ' + tagName(best) + ' (' + percent(probs[best]) +
					'), but the model answers \u201c' + tagName(tag) +
					'\u201d unless it is more than ' + percent(threshold) + ' sure.'));
		}
		return card;
	}

	/* "sha256:<64 hex>" -> "sha256:<first 12>"; enough to tell models apart. */
	function shortChecksum(c) {
		var colon = c.indexOf(':');

		return c.slice(0, colon + 1 + 12) + (c.length > colon + 13 ? '\u2026' : '');
	}

	function renderModel(model) {
		var parts = [];

		if (!model)
			return;
		if (model.name)
			parts.push(String(model.name));
		if (model.version)
			parts.push('version ' + model.version);
		if (model.checksum)
			parts.push('checksum ' + shortChecksum(String(model.checksum)));
		if (parts.length)
			$('model-info').textContent = 'Model: ' + parts.join(', ') + '. Served by tagifai-fcgi.';
	}

	/* The model that answers: the default one (POST /predict), or one
	 * picked from the registry (POST /models/NAME/predict). */
	function predictPath() {
		var name = $('model-select').value;

		return name ? '/models/' + encodeURIComponent(name) + '/predict' : '/predict';
	}

	/* The picker shows when the registry lists models to this visitor
	 * (GET /models may be closed: then only the default answers). */
	function loadModels() {
		api('/models', { headers: { 'Accept': 'application/json' } }).then(function (r) {
			var models = r.status === 200 && r.body && r.body.data && r.body.data.models;
			var select = $('model-select');

			if (!models)
				return;
			models.forEach(function (m) {
				if (!m.active_version)
					return;
				var o = el('option', null, m.name + ' (version ' + m.active_version + ')');

				o.value = m.name;
				select.appendChild(o);
			});
			$('model-pick').hidden = select.options.length < 2;
		}, function () {});
	}

	function submit(event) {
		var texts = collectTexts();
		var button = $('submit');

		event.preventDefault();
		clearError();
		$('results').textContent = '';
		$('status').textContent = 'Asking the model\u2026';
		button.disabled = true;
		api(predictPath(), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
			body: JSON.stringify({ texts: texts.map(function (t) { return { text: t }; }) })
		}).then(function (r) {
			var preds;

			if (r.status !== 200 || !r.body || !r.body.data) {
				$('status').textContent = '';
				showError(describeError(r.status, r.body));
				return;
			}
			preds = r.body.data.predictions || [];
			$('status').textContent = preds.length === 1 ? 'One project tagged.' :
				preds.length + ' projects tagged.';
			preds.forEach(function (p) {
				$('results').appendChild(renderPrediction(p));
			});
			renderModel(r.body.data.model);
		}, function () {
			$('status').textContent = '';
			showError(['Could not reach the server. Check your connection and try again.']);
		}).then(function () {
			button.disabled = false;
		});
	}

	/* ---- performance ---- */

	function isMetrics(v) {
		return v && typeof v === 'object' && 'precision' in v && 'recall' in v && 'f1' in v;
	}

	function metricsTable(firstHeader, rows) {
		var wrap = el('div', 'table-scroll');
		var table = el('table');
		var head = el('tr');
		var tbody = el('tbody');
		var thead = el('thead');

		[firstHeader, 'Precision', 'Recall', 'F1', 'Projects'].forEach(function (h, i) {
			var th = el('th', i === 4 ? 'col-n' : null, h);

			th.scope = 'col';
			head.appendChild(th);
		});
		thead.appendChild(head);
		table.appendChild(thead);
		rows.forEach(function (r) {
			var tr = el('tr', r.className);
			var first = el('td');

			if (r.color) {
				var sw = el('span', 'swatch');

				sw.style.background = r.color;
				first.appendChild(sw);
			}
			first.appendChild(document.createTextNode(r.label));
			/* Narrow screens hide the Projects column and show this. */
			if (r.m.num_samples !== undefined)
				first.appendChild(el('span', 'count', r.m.num_samples + ' projects'));
			tr.appendChild(first);
			tr.appendChild(el('td', null, percent(r.m.precision)));
			tr.appendChild(el('td', null, percent(r.m.recall)));
			tr.appendChild(el('td', null, percent(r.m.f1)));
			tr.appendChild(el('td', 'col-n', r.m.num_samples === undefined ? '' : r.m.num_samples));
			tbody.appendChild(tr);
		});
		table.appendChild(tbody);
		wrap.appendChild(table);
		return wrap;
	}

	function metricsChart(rows) {
		var chart = el('div', 'chart');
		var legend = el('div', 'legend');
		var groups = el('div', 'chart-groups');

		chart.appendChild(el('h3', null, 'Scores per tag'));
		[['precision', 'Precision'], ['recall', 'Recall'], ['f1', 'F1']].forEach(function (m) {
			var item = el('span');
			var sw = el('span', 'swatch metric-' + m[0]);

			item.appendChild(sw);
			item.appendChild(document.createTextNode(m[1]));
			legend.appendChild(item);
		});
		chart.appendChild(legend);
		chart.appendChild(groups);
		rows.forEach(function (r) {
			var group = el('div', 'chart-group');
			var list = el('ul', 'bars');

			group.appendChild(el('div', 'chart-group-name', r.label));
			list.appendChild(barRow('Precision', r.m.precision, 'metric-precision'));
			list.appendChild(barRow('Recall', r.m.recall, 'metric-recall'));
			list.appendChild(barRow('F1', r.m.f1, 'metric-f1'));
			group.appendChild(list);
			groups.appendChild(group);
		});
		return chart;
	}

	function renderPerformance(perf) {
		var box = $('performance');
		var classes = perf && perf['class'] ? perf['class'] : {};
		var rows = Object.keys(classes).filter(function (k) {
			return isMetrics(classes[k]);
		}).map(function (k) {
			return { label: tagName(k), color: tagColor(k), m: classes[k] };
		});
		var all = rows.slice();

		box.textContent = '';
		if (perf && isMetrics(perf.overall))
			all.push({ label: 'All projects (weighted)', className: 'overall', m: perf.overall });
		if (!all.length) {
			box.appendChild(el('p', 'status', 'This model has no performance figures.'));
			return;
		}
		box.appendChild(metricsTable('Tag', all));
		if (rows.length)
			box.appendChild(metricsChart(rows));
		if (perf.slices && typeof perf.slices === 'object') {
			var slices = Object.keys(perf.slices).filter(function (k) {
				return isMetrics(perf.slices[k]);
			}).map(function (k) {
				return { label: SLICE_NAMES[k] || k.replace(/_/g, ' '), m: perf.slices[k] };
			});

			if (slices.length) {
				box.appendChild(el('h3', 'slices-title', 'Scores on particular groups of projects'));
				box.appendChild(metricsTable('Group', slices));
			}
		}
	}

	/* ---- training arguments ---- */

	function argValue(key, v) {
		if (v === null || v === undefined)
			return 'none';
		if (v === true)
			return 'yes';
		if (v === false)
			return 'no';
		if (key === 'threshold' && typeof v === 'number')
			return percent(v) + ' (' + v + ')';
		if (key === 'analyzer' && v === 'char_wb')
			return 'letter groups inside words (char_wb)';
		if (typeof v === 'object')
			return JSON.stringify(v);
		return String(v);
	}

	function renderArgs(args) {
		var box = $('args');
		var dl = el('dl', 'args');

		box.textContent = '';
		Object.keys(args || {}).forEach(function (k) {
			var dt = el('dt', null, ARG_NAMES[k] || k.replace(/_/g, ' '));

			dt.title = k;
			dl.appendChild(dt);
			dl.appendChild(el('dd', null, argValue(k, args[k])));
		});
		if (!dl.firstChild)
			box.appendChild(el('p', 'status', 'This model lists no training settings.'));
		else
			box.appendChild(dl);
	}

	function loadInfo() {
		api('/performance', { headers: { 'Accept': 'application/json' } }).then(function (r) {
			if (r.status === 200 && r.body && r.body.data)
				renderPerformance(r.body.data.performance);
			else
				$('performance').textContent = describeError(r.status, r.body).join(' ');
		}, function () {
			$('performance').textContent = 'Could not reach the server.';
		});
		api('/args', { headers: { 'Accept': 'application/json' } }).then(function (r) {
			if (r.status === 200 && r.body && r.body.data) {
				renderArgs(r.body.data.args);
				if (r.body.data.args && typeof r.body.data.args.threshold === 'number')
					threshold = r.body.data.args.threshold;
			} else {
				$('args').textContent = describeError(r.status, r.body).join(' ');
			}
		}, function () {
			$('args').textContent = 'Could not reach the server.';
		});
	}

	loadModels();
	$('predict-form').addEventListener('submit', submit);
	$('add-text').addEventListener('click', function () {
		addBox('').focus();
	});
	$('example').addEventListener('click', function () {
		$('split-lines').checked = false;
		setBoxes(EXAMPLES);
	});
	$('clear').addEventListener('click', function () {
		setBoxes([]);
		clearError();
		$('results').textContent = '';
		$('status').textContent = '';
	});
	setBoxes([]);
	loadInfo();
})();
