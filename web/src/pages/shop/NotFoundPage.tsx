import { PageHeading } from '../../components/PageHeading';

export const NotFoundPage = () => <PageHeading>NotFoundPage</PageHeading>;
