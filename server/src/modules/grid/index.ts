/**
 * Unit grids (单元网格): the district → street → community → grid hierarchy with 14-digit codes, responsible
 * inspectors and departments per grid, layer import with a validation report, and point → grid from an
 * in-memory index; city components (部件) with 16-digit codes. Other modules use `gridAt` (work orders:
 * location → grid → responsibility).
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { componentRoutes } from './components.routes.js';
import { gridRoutes } from './grid.routes.js';

export { gridAt, getGrid, gridShapes, importGrids, listGrids, setResponsible, type GridDetail, type ImportOptions, type ImportReport } from './grid.service.js';
export { GridLocator, locatorFor, type LocatedGrid } from './grid-locator.js';
export { gridPolicy } from './grid.policy.js';

export function createGridModule(ctx: AppContext): ApiModule {
  return {
    routes(app) {
      gridRoutes(app, ctx);
      componentRoutes(app, ctx);
    },
  };
}
export { ensureDemoGrids, demoGridFeatures, CENTRAL_DISTRICTS, type DemoDistrict, type DemoResponsible } from './demo-grids.js';
export { shapefileToGeoJSON, type ShapefileParts } from './shapefile.js';
export {
  createComponent,
  createComponentClass,
  getComponent,
  listComponents,
  seedStandardComponentClasses,
  setComponentStatus,
  standardClasses,
  type ComponentView,
  type CreateComponentInput,
} from './components.service.js';
export { componentCode, parseComponentCode, COMPONENT_STATUSES, type ComponentStatus } from './component-codes.js';
export { importComponents, type ComponentImportOptions, type ComponentImportReport, type ImportProgress as ComponentImportProgress } from './components-import.js';
export { formatOf as componentFileFormatOf, COMPONENT_FILE_FORMATS, type ComponentFileFormat } from './component-file.js';
export { DEFAULT_LINK_DISTANCE_M, componentOrderChanged, linkOrderToComponent, type ComponentLink, type OrderAboutComponent } from './components-links.js';
export { problemFromText, statusFromOrders, type ComponentProblem } from './component-status.js';
export { ensureDemoComponents } from './demo-components.js';
