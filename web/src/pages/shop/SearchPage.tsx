import { PageHeading } from '../../components/PageHeading';

export const SearchPage = () => <PageHeading>SearchPage</PageHeading>;
