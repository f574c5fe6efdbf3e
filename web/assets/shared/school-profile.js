/*
 * The inputs of a school's profile (RIF, código DEA, state, municipality,
 * phone, address), shared by the settings section and the invitation page,
 * with Venezuela's states as the API takes them (ISO 3166-2:VE codes).
 * shared/ holds such domain pieces used by more than one page.
 */
import { nowrap } from '../core/dom.js';
import { field } from '../core/forms.js';

export const VE_STATES = [
  ['VE-A', 'Distrito Capital'], ['VE-B', 'Anzoátegui'], ['VE-C', 'Apure'],
  ['VE-D', 'Aragua'], ['VE-E', 'Barinas'], ['VE-F', 'Bolívar'],
  ['VE-G', 'Carabobo'], ['VE-H', 'Cojedes'], ['VE-I', 'Falcón'],
  ['VE-J', 'Guárico'], ['VE-K', 'Lara'], ['VE-L', 'Mérida'],
  ['VE-M', 'Miranda'], ['VE-N', 'Monagas'], ['VE-O', 'Nueva Esparta'],
  ['VE-P', 'Portuguesa'], ['VE-R', 'Sucre'], ['VE-S', 'Táchira'],
  ['VE-T', 'Trujillo'], ['VE-U', 'Yaracuy'], ['VE-V', 'Zulia'],
  ['VE-W', 'Dependencias Federales'], ['VE-X', 'La Guaira'],
  ['VE-Y', 'Delta Amacuro'], ['VE-Z', 'Amazonas']
];

/* Options of an "Estado" select: a first empty choice, then the states. */
function stateOptions(emptyLabel) {
  return [{ value: '', label: emptyLabel }].concat(VE_STATES.map((s) => ({ value: s[0], label: s[1] })));
}

/* The API's names of the profile fields, in form order. */
export const PROFILE_KEYS = ['rif', 'dea_code', 'state', 'municipality', 'phone', 'address'];

/* {rif, dea_code, state, municipality, phone, address}: each a field() ({wrap, input}). */
export function profileFields(stateEmptyLabel) {
  return {
    rif: field({ name: 'rif', label: 'RIF', hint: ['Por ejemplo: ', nowrap('J-12345678-9'), '.'], maxlength: '20', autocapitalize: 'characters', spellcheck: 'false' }),
    dea_code: field({ name: 'dea_code', label: 'Código DEA', hint: 'De 5 a 20 letras y dígitos.', maxlength: '24', autocapitalize: 'characters', spellcheck: 'false' }),
    state: field({ name: 'state', label: 'Estado', options: stateOptions(stateEmptyLabel), value: '' }),
    municipality: field({ name: 'municipality', label: 'Municipio', maxlength: '100' }),
    phone: field({ name: 'phone', label: 'Teléfono', type: 'tel', inputmode: 'tel', autocomplete: 'off', hint: ['Por ejemplo: ', nowrap('0212-5551234'), ' o ', nowrap('0414-1234567'), '.'], maxlength: '20' }),
    address: field({ name: 'address', label: 'Dirección', hint: 'Calle o avenida, sector y ciudad.', maxlength: '300' })
  };
}
