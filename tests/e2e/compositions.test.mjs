// Compositions run in the page as Traverse's runtime runs them (WORKFLOWS.md §3–§8): a workflow
// run directly, a composite request through the runtime, each node a governed run of our real
// modules in the runner worker. Each story names the row of §4 it checks and asserts
// Traverse's outcome, failure reason and the evidence fields that row names.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { EXAMPLES, FIXTURES, assertAnswers, openPlayground, runAndWait, text } from './harness.mjs';

const GUARDED = 'workflow:playground.examples.guarded-transition@1.0.0';
const ANNOUNCED = 'workflow:playground.examples.announced-transition@1.0.0';
const COMPOSITE_REQUEST = 'guarded-transition/runtime-requests/owner-starts-work.json';
/** [fixture in tests/fixtures/, the executor's code for how it ends (WORKFLOWS.md §7)] */
const MIDDLE_NODES = [
  ['infinite-loop', 'Timeout'],
  ['unreachable', 'ExecutionFailed'],
  ['proc-exit-0', 'ExecutionFailed'],
  ['grow-past-limit', 'ResourceExhausted'],
  ['initial-200-pages', 'ResourceExhausted'],
  ['not-json', 'InvalidInput'],
  // Exports no entry: Traverse runs it, nothing happens, and its empty stdout fails.
  ['no-entry', 'InvalidInput'],
  ['import-sock-accept', 'ConstraintViolated'],
];
const OWNER_STARTS = {
  principal: { id: 'u-1', role: 'member', tenant: 't-1' }, action: 'update',
  resource: { owner: 'u-1', tenant: 't-1' }, action_id: 'a-1', from: 'open', to: 'in_progress',
};

let playground;
let work;
before(async () => {
  playground = await openPlayground();
  work = await mkdtemp(resolve(tmpdir(), 'compositions-'));
  for (const folder of ['authorize', 'transition-status', 'guarded-transition']) {
    await cp(resolve(EXAMPLES, folder), resolve(work, 'set', folder), {
      recursive: true, filter: (source) => !source.includes('/target'),
    });
  }
  // Workflows of our own for the rows the example set does not take: each a variant of the
  // guarded-transition workflow, under its own id.
  const guarded = JSON.parse(await readFile(resolve(EXAMPLES, 'guarded-transition/workflows/guarded-transition.json'), 'utf8'));
  const variant = async (id, change) => {
    const workflow = structuredClone(guarded);
    workflow.id = `playground.tests.${id}`;
    change(workflow);
    await writeFile(resolve(work, 'set/guarded-transition/workflows', `${id}.json`), JSON.stringify(workflow, null, 2));
  };
  await variant('unreachable-terminal', (w) => { w.terminal_nodes = ['authorize']; });
  await variant('loose-input', (w) => { w.inputs.schema.required = ['principal', 'action', 'resource', 'action_id', 'from']; });
  // Fixture modules as packages of their own, each the middle node of a variant: how each
  // ends is the executor's error code the workflow reports (§7).
  const contract = JSON.parse(await readFile(resolve(EXAMPLES, 'authorize/contract.json'), 'utf8'));
  const manifest = JSON.parse(await readFile(resolve(EXAMPLES, 'authorize/manifest.json'), 'utf8'));
  for (const [fixture] of MIDDLE_NODES) {
    const id = `playground.tests.${fixture}`;
    await mkdir(resolve(work, `set/${fixture}/artifacts`), { recursive: true });
    await cp(resolve(FIXTURES, `${fixture}.wasm`), resolve(work, `set/${fixture}/artifacts/module.wasm`));
    await writeFile(resolve(work, `set/${fixture}/contract.json`), JSON.stringify(
      { ...contract, id, name: fixture, inputs: { schema: {} }, outputs: { schema: {} } }, null, 2));
    await writeFile(resolve(work, `set/${fixture}/manifest.json`), JSON.stringify({
      ...manifest, package_id: id, workflow_refs: [],
      capability_ref: { id, version: '1.0.0', contract_path: './contract.json' },
      binary: { ...manifest.binary, path: './artifacts/module.wasm' },
    }, null, 2));
    await variant(`${fixture}-middle`, (w) => {
      w.nodes.splice(1, 0, { node_id: 'middle', capability_id: id, capability_version: '1.0.0',
        input: { from_workflow_input: ['action_id'] }, output: { to_workflow_state: [] } });
      w.edges = [
        { edge_id: 'to-middle', from: 'authorize', to: 'middle', trigger: 'direct' },
        { edge_id: 'to-transition', from: 'middle', to: 'transition', trigger: 'direct' },
      ];
    });
  }
  // A node naming a capability no package implements (the composite's own contract).
  await variant('unimplemented-node', (w) => {
    Object.assign(w.nodes[1], { capability_id: 'playground.examples.guarded-transition' });
    w.nodes[1].input.from_workflow_input = ['principal', 'action', 'resource', 'action_id', 'from', 'to'];
    w.nodes[1].output.to_workflow_state = [];
    w.output_projection = ['decision'];
  });
  // An output its contract refuses: authorize's module under a contract that wants more.
  await mkdir(resolve(work, 'set/strict/artifacts'), { recursive: true });
  await cp(resolve(EXAMPLES, 'authorize/artifacts/authorize.wasm'), resolve(work, 'set/strict/artifacts/authorize.wasm'));
  const strict = JSON.parse(await readFile(resolve(EXAMPLES, 'authorize/contract.json'), 'utf8'));
  Object.assign(strict, { id: 'playground.tests.strict', name: 'strict' });
  strict.outputs.schema = { type: 'object', required: ['never'] };
  await writeFile(resolve(work, 'set/strict/contract.json'), JSON.stringify(strict, null, 2));
  const strictManifest = JSON.parse(await readFile(resolve(EXAMPLES, 'authorize/manifest.json'), 'utf8'));
  strictManifest.package_id = 'playground.tests.strict';
  strictManifest.capability_ref = { id: 'playground.tests.strict', version: '1.0.0', contract_path: './contract.json' };
  strictManifest.workflow_refs = [];
  await writeFile(resolve(work, 'set/strict/manifest.json'), JSON.stringify(strictManifest, null, 2));
  await variant('output-refused', (w) => { w.nodes[0].capability_id = 'playground.tests.strict'; });
  await variant('workflow-output-refused', (w) => { w.outputs.schema = { type: 'object', required: ['never'] }; });
  // Workflow execution requests with what Traverse checks first wrong.
  const requestFile = async (name, change) => {
    const request = JSON.parse(await readFile(resolve(EXAMPLES, 'guarded-transition/workflow-requests/owner-starts-work.json'), 'utf8'));
    change(request);
    await writeFile(resolve(work, 'set/guarded-transition/workflow-requests', `${name}.json`), JSON.stringify(request, null, 2));
  };
  await requestFile('wrong-schema-version', (r) => { r.schema_version = '2.0.0'; });
  await requestFile('public-only', (r) => { r.scope = 'public_only'; });
  // Known by its shape (workflow_id and workflow_version, no intent), whatever its kind says.
  await requestFile('wrong-kind', (r) => { r.kind = 'runtime_request'; });
  // The same set without one node's binary.
  await cp(resolve(work, 'set'), resolve(work, 'set-without-binary'), { recursive: true });
  await rm(resolve(work, 'set-without-binary/transition-status/artifacts/transition-status.wasm'));
  // A thousand nodes in a chain: bounded, and the page answers throughout.
  await variant('thousand', (w) => {
    const node = w.nodes[0];
    w.nodes = Array.from({ length: 1000 }, (_, i) => ({ ...node, node_id: `n${i}` }));
    w.edges = w.nodes.slice(1).map((n, i) => ({ edge_id: `e${i}`, from: `n${i}`, to: n.node_id, trigger: 'direct' }));
    w.start_node = 'n0';
    w.terminal_nodes = ['n999'];
    w.output_projection = ['decision', 'rule'];
    w.outputs.schema = { type: 'object' };
  });
});
after(async () => {
  await playground?.close();
  await rm(work, { recursive: true, force: true });
});

async function loadSet(folder = 'set') {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('folder-input').setInputFiles(resolve(work, folder));
  await page.getByTestId('set').waitFor();
  return { page, problems };
}

/** Runs the workflow `value` with `input` and returns the result, the evidence and each
 *  drawn node's status. */
async function runWorkflow(page, value, input, timeout) {
  await page.getByTestId('request-select').selectOption(value);
  await page.getByTestId('stdin').fill(JSON.stringify(input));
  await runAndWait(page, timeout);
  return results(page);
}

async function results(page) {
  const json = async (id) => JSON.parse(await text(page, id));
  const statuses = await page.getByTestId('workflow-node').evaluateAll((nodes) =>
    Object.fromEntries(nodes.map((node) => [node.dataset.nodeId, node.dataset.status])));
  return { result: await json('workflow-result'), evidence: await json('workflow-evidence'), statuses };
}

test('a workflow runs directly, node by node, with Traverse\'s result, evidence and the graph (§3.1, §4 b–l, o)', async () => {
  const { page, problems } = await loadSet();
  const options = await page.getByTestId('request-select').locator('option').evaluateAll((o) => o.map((x) => x.value));
  assert.ok(options.includes(GUARDED) && options.includes(ANNOUNCED), options.join(', '));
  await page.getByTestId('request-select').selectOption(GUARDED);
  // Drawn before it runs, every node not reached yet; the input starts from the schema.
  assert.deepEqual(await page.getByTestId('workflow-node').evaluateAll((n) => n.map((x) => x.dataset.status)),
    ['not_reached', 'not_reached']);
  assert.deepEqual(Object.keys(JSON.parse(await page.getByTestId('stdin').inputValue())).sort(),
    ['action', 'action_id', 'from', 'principal', 'resource', 'to']);

  const { result, evidence, statuses } = await runWorkflow(page, GUARDED, OWNER_STARTS);
  assert.equal(result.status, 'completed');
  assert.deepEqual(result.output, { allowed: true, decision: 'allow', rule: 'owner', status: 'in_progress' });
  assert.equal(result.request_id, 'playground');
  assert.equal(result.warnings.length, 2, 'one unsigned-artifact warning per step');
  assert.equal(evidence.trace_id, 'workflow_trace_playground');
  assert.deepEqual(statuses, { authorize: 'completed', transition: 'completed' });
  assert.deepEqual(evidence.emitted_events, [{ event_id: 'playground.examples.status-changed', version: '1.0.0' }]);
  assert.equal(await page.getByTestId('workflow-edge').getAttribute('data-taken'), 'true');
  assert.equal(await text(page, 'run-verdict'), 'workflow status: completed');

  // The node chosen: what ran there, its stdin in Traverse's bytes, its event and fuel.
  await page.locator('[data-testid="workflow-node"][data-node-id="transition"]').click();
  assert.equal(await text(page, 'node-stdin'), '{"action_id":"a-1","from":"open","to":"in_progress"}');
  assert.match(await text(page, 'node-events'), /^playground\.examples\.status-changed@1\.0\.0 \{"action_id":"a-1","from":"open","to":"in_progress"\}$/);
  assert.ok(Number((await text(page, 'node-fuel')).replaceAll(',', '')) > 0);
  assert.deepEqual(JSON.parse(await text(page, 'node-stdout')).status, 'in_progress');
  // The state between steps: after the first step, no status yet; after the last, in_progress.
  await page.getByTestId('state-step').fill('0');
  assert.equal(JSON.parse(await text(page, 'state-at-step')).status, undefined);
  await page.getByTestId('state-step').fill('1');
  assert.equal(JSON.parse(await text(page, 'state-at-step')).status, 'in_progress');
  assert.deepEqual(problems, []);
});

test('a composite request runs through the runtime: its runtime_result and RuntimeTrace (§3.2, §8.2)', async () => {
  const { page, problems } = await loadSet();
  await page.getByTestId('request-select').selectOption(COMPOSITE_REQUEST);
  await runAndWait(page);
  assert.equal(await text(page, 'run-verdict'), 'status: completed');
  const result = JSON.parse(await text(page, 'runtime-result'));
  assert.equal(result.execution_id, 'exec_guarded-transition-owner-starts-work');
  assert.equal(result.trace_ref, 'trace_exec_guarded-transition-owner-starts-work');
  assert.deepEqual(result.output, { allowed: true, decision: 'allow', rule: 'owner', status: 'in_progress' });
  const trace = JSON.parse(await text(page, 'trace'));
  assert.deepEqual(trace.state_transitions.map((t) => `${t.to_state}@${t.occurred_at.slice(17, 19)}`), [
    'loading_registry@00', 'ready@01', 'discovering@02', 'evaluating_constraints@03', 'selecting@04',
    'executing@06', 'emitting_events@08', 'completed@09', 'ready@10']);
  assert.equal(trace.execution.artifact_ref,
    'bundle:playground.examples.guarded-transition-bundle:playground.examples.guarded-transition:1.0.0');
  assert.match(trace.execution.output_digest, /^0\.1\.0:[0-9a-f]{16}$/);
  assert.deepEqual(trace.workflow_evidence.visited_nodes.map((v) => v.status), ['completed', 'completed']);
  assert.equal(trace.otel_trace.spans.length, 6);
  assert.deepEqual(problems, []);
});

test('an event edge is taken when its predicate matches the payload; an unsatisfied one fails at the broker (§4 m–n, §4.3)', async () => {
  const { page } = await loadSet();
  const taken = await runWorkflow(page, ANNOUNCED, OWNER_STARTS);
  assert.equal(taken.result.status, 'completed');
  assert.deepEqual(taken.statuses, { authorize: 'completed', transition: 'completed', recheck: 'completed' });
  assert.equal(taken.evidence.traversed_edges[1].trigger, 'event');
  assert.deepEqual(taken.evidence.event_match_records.map((r) => [r.match_result, r.predicate_result, r.recorded_at]),
    [['matched', 'passed', 'playground:step:1:local:event:0:match:when-started']]);
  assert.equal(taken.evidence.event_wake_decisions[0].wake_order, 1);

  // Snoozed: the event is emitted but its payload fails the predicate.
  const unmatched = await runWorkflow(page, ANNOUNCED, { ...OWNER_STARTS, to: 'snoozed' });
  assert.equal(unmatched.evidence.result.failure_reason, 'event_subscription_failed');
  assert.equal(unmatched.result.error.message, "waiting edge references an event type not registered in EventBroker's catalog");
  assert.deepEqual(unmatched.statuses, { authorize: 'completed', transition: 'failed', recheck: 'not_reached' });
  assert.equal(unmatched.evidence.event_match_records[0].predicate_result, 'failed');
  assert.equal(await text(page, 'run-verdict'), 'workflow failed: event_subscription_failed (request_invalid): '
    + "waiting edge references an event type not registered in EventBroker's catalog");

  // A move transition-status refuses: no event at all.
  const silent = await runWorkflow(page, ANNOUNCED, { ...OWNER_STARTS, to: 'done' });
  assert.equal(silent.evidence.event_match_records[0].rejection_reason, 'required event was not emitted');
  assert.equal(silent.evidence.result.failure_reason, 'event_subscription_failed');
});

test('a terminal node never reached, a middle node refused its input, middle nodes that fail every way (§4 e, f, p, §7)', async () => {
  const { page, problems } = await loadSet();
  const unreachable = await runWorkflow(page, 'workflow:playground.tests.unreachable-terminal@1.0.0', OWNER_STARTS);
  assert.equal(unreachable.evidence.result.failure_reason, 'terminal_node_not_reached');
  assert.equal(unreachable.result.error.message, 'workflow traversal could not reach a valid next node');
  assert.deepEqual(unreachable.statuses, { authorize: 'completed', transition: 'completed' }, 'the last step stays completed');

  const { to, ...withoutTo } = OWNER_STARTS;
  const refused = await runWorkflow(page, 'workflow:playground.tests.loose-input@1.0.0', withoutTo);
  assert.equal(refused.result.error.code, 'request_invalid');
  assert.deepEqual(refused.result.error.details.violations, [{ path: '$.to', message: 'required property is missing' }]);
  assert.deepEqual(refused.statuses, { authorize: 'completed', transition: 'failed' });

  for (const [fixture, code] of MIDDLE_NODES) {
    const failed = await runWorkflow(page, `workflow:playground.tests.${fixture}-middle@1.0.0`, OWNER_STARTS);
    assert.equal(failed.evidence.result.failure_reason, 'step_execution_failed', fixture);
    assert.deepEqual(failed.result.error, { code: 'execution_failed', message: 'registered artifact execution failed',
      details: { code } }, fixture);
    assert.deepEqual(failed.statuses, { authorize: 'completed', middle: 'failed', transition: 'not_reached' }, fixture);
  }
  // The runaway node ends by its own fuel, not the wall clock.
  await runWorkflow(page, 'workflow:playground.tests.infinite-loop-middle@1.0.0', OWNER_STARTS);
  await page.locator('[data-testid="workflow-node"][data-node-id="middle"]').click();
  assert.equal(await text(page, 'node-fuel'), '5,000,000');
  assert.deepEqual(problems, []);
});

test('a node no package implements, a binary not loaded, outputs refused, requests refused before any node (§3.1, §4 c, d, g, o)', async () => {
  const { page, problems } = await loadSet();
  const unimplemented = await runWorkflow(page, 'workflow:playground.tests.unimplemented-node@1.0.0', OWNER_STARTS);
  assert.equal(unimplemented.evidence.result.failure_reason, 'workflow_invalid');
  assert.deepEqual(unimplemented.result.error, { code: 'capability_not_found',
    message: 'workflow node capability was not found in the capability registry',
    details: { capability_id: 'playground.examples.guarded-transition', capability_version: '1.0.0' } });
  assert.deepEqual(unimplemented.statuses, { authorize: 'completed', transition: 'entered' }, 'the step stays entered');

  const output = await runWorkflow(page, 'workflow:playground.tests.output-refused@1.0.0', OWNER_STARTS);
  assert.equal(output.result.error.message, 'workflow node output does not satisfy the capability output contract');
  assert.deepEqual(output.result.error.details.violations, [{ path: '$.never', message: 'required property is missing' }]);
  assert.deepEqual(output.statuses, { authorize: 'failed', transition: 'not_reached' });

  const workflowOutput = await runWorkflow(page, 'workflow:playground.tests.workflow-output-refused@1.0.0', OWNER_STARTS);
  assert.equal(workflowOutput.evidence.result.failure_reason, 'workflow_invalid');
  assert.equal(workflowOutput.result.error.message, 'workflow output does not satisfy the workflow output contract');
  assert.deepEqual(workflowOutput.statuses, { authorize: 'completed', transition: 'completed' });

  await page.getByTestId('request-select').selectOption('guarded-transition/workflow-requests/wrong-schema-version.json');
  await runAndWait(page);
  const wrong = await results(page);
  assert.deepEqual(wrong.result.error, { code: 'request_invalid', message: 'schema_version must equal 1.0.0',
    details: { path: '$.schema_version' } });
  assert.deepEqual(wrong.evidence.visited_nodes, []);

  await page.getByTestId('request-select').selectOption('guarded-transition/workflow-requests/wrong-kind.json');
  await runAndWait(page);
  const wrongKind = await results(page);
  assert.deepEqual(wrongKind.result.error, { code: 'request_invalid', message: 'kind must equal workflow_execution_request',
    details: { path: '$.kind' } });

  const { principal, ...withoutPrincipal } = OWNER_STARTS;
  const input = await runWorkflow(page, GUARDED, withoutPrincipal);
  assert.equal(input.result.error.message, 'workflow request input does not satisfy the workflow input contract');
  assert.deepEqual(input.result.error.details.violations, [{ path: '$.principal', message: 'required property is missing' }]);
  assert.deepEqual(input.statuses, { authorize: 'not_reached', transition: 'not_reached' });

  await page.getByTestId('request-select').selectOption('guarded-transition/workflow-requests/public-only.json');
  await runAndWait(page);
  assert.equal((await results(page)).evidence.result.failure_reason, 'workflow_not_found');
  assert.deepEqual(problems, []);

  const { page: without } = await loadSet('set-without-binary');
  const missing = await runWorkflow(without, GUARDED, OWNER_STARTS);
  assert.equal(missing.evidence.result.failure_reason, 'step_execution_failed');
  assert.equal(missing.result.error.code, 'artifact_missing');
  assert.deepEqual(missing.statuses, { authorize: 'completed', transition: 'failed' });
});

test('a thousand-node workflow runs to its end, the page answering throughout', async () => {
  const { page, problems } = await loadSet();
  await page.getByTestId('request-select').selectOption('workflow:playground.tests.thousand@1.0.0');
  await page.getByTestId('stdin').fill(JSON.stringify(OWNER_STARTS));
  const runs = await text(page, 'run-count');
  await page.getByTestId('run').click();
  // The page answers while the walk goes on: the run has not ended when the input comes back.
  await assertAnswers(page, JSON.stringify(OWNER_STARTS));
  assert.equal(await text(page, 'run-count'), runs, 'the page answered while the workflow ran');
  await page.getByTestId('workflow-result').waitFor({ state: 'attached', timeout: 300_000 });
  const { result, evidence } = await results(page);
  assert.equal(result.status, 'completed');
  assert.equal(evidence.visited_nodes.length, 1000);
  assert.equal(await page.getByTestId('workflow-node').count(), 1000);
  assert.deepEqual(problems, []);
});

test('a workflow run is shared as a link and runs the same in a fresh browser', async () => {
  const { page } = await loadSet();
  const { result } = await runWorkflow(page, ANNOUNCED, OWNER_STARTS);
  await page.getByTestId('share-copy').click();
  const link = await page.getByTestId('share-link').inputValue();
  const context = await playground.browser.newContext();
  const fresh = await context.newPage();
  await fresh.goto(link);
  await fresh.getByTestId('link-banner').waitFor();
  assert.match(await text(fresh, 'link-banner'), /It will run the workflow playground\.examples\.announced-transition@1\.0\.0/);
  assert.equal(await fresh.getByTestId('request-select').inputValue(), ANNOUNCED);
  await runAndWait(fresh);
  assert.deepEqual(JSON.parse(await text(fresh, 'workflow-result')), result);
  await context.close();
});

/** The example set's compositions and the outcome Traverse gives each (docs/compositions.md). */
const SUBSCRIPTION_FAILED = "workflow failed: event_subscription_failed (request_invalid): waiting edge references an event type not registered in EventBroker's catalog";
const EXPECTED = {
  'composite guarded-transition/runtime-requests/owner-starts-work.json': 'status: completed',
  'workflow-request guarded-transition/workflow-requests/owner-starts-work.json': 'workflow status: completed',
  'workflow-request guarded-transition/workflow-requests/started-is-rechecked.json': 'workflow status: completed',
  'workflow-request guarded-transition/workflow-requests/snoozed-waits-in-vain.json': SUBSCRIPTION_FAILED,
  'workflow-request guarded-transition/workflow-requests/refused-move-emits-nothing.json': SUBSCRIPTION_FAILED,
};

test('run all covers the example set\'s composite and workflow requests, each with its expected outcome', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('example-guarded-transition').click();
  await page.getByTestId('set').waitFor();
  await page.getByTestId('run-all').click();
  await page.locator('[data-testid="run-all-summary"][data-done="true"]').waitFor({ timeout: 120_000 });
  const rows = await page.getByTestId('run-all-row').evaluateAll((rows) => Object.fromEntries(rows
    .filter((row) => ['composite', 'workflow-request'].includes(row.dataset.kind))
    .map((row) => [`${row.dataset.kind} ${row.dataset.name}`, row.cells[2].textContent])));
  assert.deepEqual(rows, EXPECTED);
  // A row opens its run: the workflow drawn with each node's status.
  await page.getByRole('button', { name: 'workflow-request guarded-transition/workflow-requests/snoozed-waits-in-vain.json' }).click();
  assert.deepEqual(await page.getByTestId('workflow-node').evaluateAll((n) => n.map((x) => `${x.dataset.nodeId} ${x.dataset.status}`)),
    ['authorize completed', 'transition failed', 'recheck not_reached']);
  assert.equal(JSON.parse(await text(page, 'workflow-result')).request_id, 'announced-transition-snoozed');
  assert.deepEqual(problems, []);
});
