import type { Element } from 'hast';
import type { ParameterSpec } from '../../snippets/header.ts';
import { element } from './hast.ts';
import { parameterInputId } from './snippet-block.ts';

/**
 * One input per parameter used on the page, placed before the first snippet. There is no
 * <form>: pressing Enter must not send the values anywhere, not even to this site's server.
 * The fieldset starts disabled; the page script enables it and hides the note that tells a
 * reader without JavaScript to pass the values with `psql -v` instead.
 */

export interface PageParameter {
  name: string;
  spec: ParameterSpec;
  /** Snippet names that use it, to say where the value goes. */
  usedBy: string[];
}

export function renderParameterPanel(parameters: PageParameter[]): Element {
  return element('section', { className: ['rb-params', 'not-content'], ariaLabelledby: 'rb-params-title', dataParameters: '' }, [
    element('p', { className: ['rb-params__title'], id: 'rb-params-title' }, [element('strong', {}, ['Parameters for this runbook'])]),
    element('p', { className: ['rb-params__hint'] }, [
      'Type a value to fill it into every snippet on this page, quoted the way psql quotes it. Values stay in this page: nothing is stored or sent.',
    ]),
    // Shown until the page script hides it (not <noscript>: that stays hidden when only scripting is blocked).
    element('p', { className: ['rb-params__hint'], dataNoScript: '' }, ['Filling in needs JavaScript. Without it, pass each value on the command line shown under each snippet (psql -v name=value).']),
    element('fieldset', { className: ['rb-params__fields'], disabled: true }, [
      element('legend', { className: ['sr-only'] }, ['Parameter values']),
      ...parameters.map(({ name, spec, usedBy }) =>
        element('div', { className: ['rb-param-field'] }, [
          element('label', { htmlFor: parameterInputId(name) }, [
            element('code', {}, [name]),
            element('span', { className: ['rb-param-field__kind'] }, [` ${spec.kind === 'identifier' ? 'identifier' : 'literal'}`]),
            element('span', { className: ['rb-param-field__description'] }, [`${spec.description} (used by ${usedBy.join(', ')})`]),
          ]),
          element('input', {
            type: 'text',
            id: parameterInputId(name),
            dataParamInput: name,
            autoComplete: 'off',
            autoCapitalize: 'off',
            spellCheck: 'false',
          }),
        ]),
      ),
    ]),
  ]);
}
