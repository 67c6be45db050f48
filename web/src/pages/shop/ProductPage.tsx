import { PageHeading } from '../../components/PageHeading';

export const ProductPage = () => <PageHeading>ProductPage</PageHeading>;
